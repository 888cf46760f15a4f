/*
 * The enrich benchmark's floor: Node's own HTTP server with no framework, reading the JSON body
 * and answering the same constant as bench/bare-server.ts. The cached path of `POST /v1/enrich` is
 * served ahead of Express (apps/gateway/src/enrich/enrich-fast-path.ts), so this is what its HTTP
 * handling costs at the least; bare-server.ts is what every other gateway route's stack costs.
 */
import { createServer } from 'node:http';
import { ANSWER as BASELINE_ANSWER } from './baseline-answer';

const ANSWER = JSON.stringify(BASELINE_ANSWER);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(ANSWER),
    });
    res.end(ANSWER);
  });
});
server.listen(Number(process.env.BARE_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
