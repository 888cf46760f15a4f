/*
 * A fixed-rate (open-loop) HTTP load: requests leave on a schedule, evenly spaced, whether or not
 * earlier ones were answered, and each latency is measured from the moment its request was due
 * (as wrk2 does), so a stalled server cannot hide its stall by slowing the sender down.
 *
 * Written here because autocannon's `overallRate` is not that: each connection sends its share of
 * a second's requests back to back at the start of the second, then waits for the next, so "1,000
 * requests per second" arrives as a burst of 1,000 — and its coordinated-omission correction then
 * fills in samples at a 1 ms interval for every slow answer of the burst. Both inflate p99 far
 * beyond what a steady 1,000 requests per second sees.
 *
 * This file runs as a process of its own, compiled (bench/open-loop.ts starts it): a sender that
 * shares its event loop with the benchmark's other work, or runs under ts-node (which loads Node's
 * `domain` and wraps every event), adds its own stalls to every latency it measures.
 */
import { appendFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  /** Requests answered per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the sender itself put requests on the wire (99th percentile, ms): its own stalls. */
  senderLagP99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface OpenLoopOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  connections: number;
  /** A file to append `due-at-ms latency-ms` lines to, one per request. */
  dump?: string;
}

/** Sends `rate` requests per second for `seconds`, evenly spaced, over at most `connections` sockets. */
export async function sendOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let answered = 0;
  const headers = { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };

  const send = (dueAt: number): Promise<void> =>
    new Promise((resolve) => {
      lags.push(performance.now() - dueAt);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            if (options.dump) {
              // When each request was due (ms into the run) and how long it took: to find stalls.
              appendFileSync(
                options.dump,
                `${Math.round(dueAt - started)} ${(performance.now() - dueAt).toFixed(2)}\n`,
              );
            }
            answered += 1;
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
              non2xx += 1;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(options.body);
    });

  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = (): void => {
      // Every request due by now leaves now, stamped with the moment it was due.
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        inFlight.push(send(started + sent * intervalMs));
        sent += 1;
      }
      if (sent >= total) {
        done();
        return;
      }
      setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const quantile = (values: number[], q: number): number =>
    values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.floor(q * values.length))];
  const at = (q: number): number => quantile(latencies, q);
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    rps: answered / elapsedS,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(latencies.at(-1) ?? 0),
    senderLagP99: round(quantile(lags, 0.99)),
    requests: answered,
    errors,
    non2xx,
  };
}

// Started by bench/open-loop.ts: the options come in OPEN_LOOP_OPTIONS, the result goes back over IPC.
if (require.main === module && process.send && process.env.OPEN_LOOP_OPTIONS) {
  void sendOpenLoop(JSON.parse(process.env.OPEN_LOOP_OPTIONS) as OpenLoopOptions).then((result) =>
    process.send?.(result, () => process.exit(0)),
  );
}
