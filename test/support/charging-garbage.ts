import { createServer, type Server } from 'node:http';

/**
 * A stand-in for Serper's search endpoint that answers 200 with JSON its cost rule charges for
 * (`credits`) but that is no search answer (no `organic` results): the adapter cannot read it.
 * Before it answers it runs `beforeAnswer` (a test can hold the worker's settlement there).
 */
export class ChargingGarbage {
  searches = 0;
  beforeAnswer: () => Promise<void> = () => Promise.resolve();
  url = '';
  /** The key it accepts (`X-API-KEY`, as Serper): like a real provider's, not the sandbox's default. */
  readonly apiKey = 'charging-garbage-serper-key';
  private server!: Server;

  constructor(readonly charge: number) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.headers['x-api-key'] !== this.apiKey) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Unauthorized."}');
          return;
        }
        if (req.method === 'POST' && req.url?.startsWith('/search')) {
          this.searches += 1;
          void this.beforeAnswer().then(() =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ credits: this.charge })),
          );
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** The settings that make Sluice call it as Serper. */
  get env(): Record<string, string> {
    return { SERPER_BASE_URL: this.url, SERPER_API_KEY: this.apiKey };
  }

  stop(): Promise<void> {
    // The worker's fetch keeps its connection alive: close it too, or close() waits for its timeout.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
