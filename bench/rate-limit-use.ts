/**
 * Rate-limit use: with a provider limit of 100 calls per minute and 300 ms latency, the share of
 * the limit Sluice actually uses over 3 minutes, and how many 429s the provider answered (target:
 * at least 95 %, zero 429s). The sandbox enforces the same limit, so a call over it would be a 429.
 *
 *   npm run build && npm run bench:rate-limit -- [seconds=180]
 */
import { json, machine, pool, report, sleep, startBenchStack, workspace } from './support';

const SECONDS = Number(process.argv[2] ?? 180);
const LIMIT = 100;

async function main(): Promise<void> {
  const stack = await startBenchStack({
    env: {
      WORKER_LOW_CONCURRENCY: '8',
      PROVIDER_OVERRIDES: JSON.stringify({
        'orion-connect': { enabled: false },
        'nimbus-lookup': { enabled: false },
        'astra-dialer': { rateLimits: [{ name: 'minute', limit: LIMIT, windowMs: 60_000 }] },
      }),
    },
    workers: 2,
  });
  try {
    await json(`${stack.sandboxUrl}/_sandbox/providers/astra-dialer`, {
      method: 'PATCH',
      body: JSON.stringify({
        credits: 1_000_000,
        latency_ms: 300,
        rate_limit: { limit: LIMIT, window_seconds: 60 },
      }),
    });
    const apiKey = await workspace(stack.gatewayUrl, 'Rate limits');
    // More work than the limit allows in the period, so the limit (not the work) is the bound.
    const requests = Math.ceil((LIMIT * SECONDS) / 60) + 50;
    const started = Date.now();
    await pool(requests, 16, async (i) => {
      await json(`${stack.gatewayUrl}/v1/jobs`, {
        method: 'POST',
        token: apiKey,
        body: JSON.stringify({
          type: 'person.phone',
          input: { first_name: `Bench${i}`, last_name: 'Caller', domain: 'bench.example.com' },
          priority: 'bulk',
        }),
      });
    });
    await sleep(Math.max(0, started + SECONDS * 1000 - Date.now()));
    const calls = await json<{ recent: number[] }>(
      `${stack.sandboxUrl}/_sandbox/providers/astra-dialer/calls`,
    );
    const inPeriod = calls.recent.filter((t) => t >= started && t < started + SECONDS * 1000).length;
    const [row] = await stack.db.dataSource.query<{ limited: string; total: string }[]>(
      `SELECT count(*) FILTER (WHERE http_status = 429) AS limited, count(*) AS total
         FROM provider_calls WHERE provider = 'astra-dialer'`,
    );
    const allowed = (LIMIT * SECONDS) / 60;
    const share = inPeriod / allowed;
    report('rate-limit-use', [
      `Rate-limit use (${new Date().toISOString().slice(0, 10)}; ${machine()})`,
      `  limit ${LIMIT}/min at the provider and in Sluice, latency 300 ms, 2 worker processes, ${SECONDS} s`,
      `  calls in the period: ${inPeriod} of ${allowed.toFixed(0)} allowed → ${(share * 100).toFixed(1)} % used (target ≥ 95 %)`,
      `  429 answers from the provider: ${row?.limited ?? '?'} of ${row?.total ?? '?'} logged calls (target 0)`,
    ]);
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
