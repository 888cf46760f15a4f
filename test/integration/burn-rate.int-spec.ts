import { call, createWorkspace } from '../support/api';
import { setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';

interface ProviderFigures {
  provider: string;
  balance: number | null;
  burn_rate_per_day: number;
  forecast_exhaustion: string | null;
}

/**
 * The burn rate is what the ledger charged, whether or not the provider reports a balance: Serper
 * and the e-mail verifier have no balance endpoint, and a provider may not have been read yet, but
 * their spend is real. Only the exhaustion date needs a balance. The dashboard and GET /v1/credits
 * say the same.
 */
describe('the burn rate of a provider without a balance reading', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await tearDown(ctx);
  });

  it('is its spend over the last seven days, on the dashboard and in GET /v1/credits', async () => {
    // 70 credits over the last week (10 a day), and an older charge the rate must leave out.
    for (let day = 0; day < 7; day += 1) {
      await ctx.db.dataSource.query(
        `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
         VALUES ('serper', 'charge', 10, $1, now() - make_interval(hours => $2))`,
        [`burn-${day}`, day * 24 + 12],
      );
    }
    await ctx.db.dataSource.query(
      `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
       VALUES ('serper', 'charge', 900, 'burn-old', now() - interval '9 days')`,
    );
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Burn Rate Co');

    const dashboard = await call<{ providers: ProviderFigures[] }>(
      ctx.stack.gatewayUrl,
      'GET',
      '/dashboard/api/summary',
      { token: TEST_ADMIN_TOKEN },
    );
    const credits = await call<{ providers: ProviderFigures[] }>(ctx.stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    const serper = (answer: { providers: ProviderFigures[] }) => {
      const { provider, balance, burn_rate_per_day, forecast_exhaustion } = answer.providers.find(
        (figures) => figures.provider === 'serper',
      ) as ProviderFigures;
      return { provider, balance, burn_rate_per_day, forecast_exhaustion };
    };
    const expected = { provider: 'serper', balance: null, burn_rate_per_day: 10, forecast_exhaustion: null };
    expect({ dashboard: serper(dashboard.body), credits: serper(credits.body) }).toEqual({
      dashboard: expected,
      credits: expected,
    });
  }, 60_000);
});
