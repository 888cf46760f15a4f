import { CompaniesHouseStream, type CompanyStreamEvent, type ProviderError } from '@sluice/providers';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';

describe('Companies House streaming client against the sandbox', () => {
  let sandbox: TestSandbox;

  const stream = (options: { timepoint?: number; key?: string } = {}) =>
    new CompaniesHouseStream({
      baseUrl: `${sandbox.url}/companies-house-stream`,
      streamKey: options.key ?? 'sandbox-stream-key',
      timepoint: options.timepoint,
      backoff: { initialMs: 20, maxMs: 100 },
      idleTimeoutMs: 5000,
    });

  /** Reads `count` events, running `between(i)` after each. */
  const take = async (
    source: CompaniesHouseStream,
    count: number,
    between?: (i: number) => Promise<void>,
  ) => {
    const events: CompanyStreamEvent[] = [];
    for await (const event of source) {
      events.push(event);
      await between?.(events.length);
      if (events.length === count) {
        break;
      }
    }
    return events;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 200 });
    await sandbox.send('PATCH', '/_sandbox/providers/companies-house', { task_delay_ms: 20 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('yields company events, one per line, in timepoint order', async () => {
    const events = await take(stream(), 5);
    expect(events.map((e) => e.resourceKind)).toEqual(Array(5).fill('company-profile'));
    for (const event of events) {
      expect(event.data.company_number).toBe(event.resourceId);
    }
    const timepoints = events.map((e) => e.event.timepoint);
    expect(timepoints).toEqual(timepoints.map((_, i) => timepoints[0] + i));
  });

  it('resumes after a dropped connection from the last timepoint, without duplicates or gaps', async () => {
    const source = stream();
    const disconnects: string[] = [];
    const events = await take(source, 12, async (i) => {
      if (i === 5) {
        const answer = await sandbox.request('/_sandbox/providers/companies-house/stream/disconnect', {
          method: 'POST',
        });
        disconnects.push(JSON.stringify(await answer.json()));
      }
    });
    expect(disconnects).toEqual(['{"disconnected":1}']);
    const timepoints = events.map((e) => e.event.timepoint);
    expect(timepoints).toEqual(timepoints.map((_, i) => timepoints[0] + i));
    expect(source.lastTimepoint).toBe(timepoints[11]);
    const calls = (await (await sandbox.request('/_sandbox/providers/companies-house/calls')).json()) as {
      by_endpoint: Record<string, number>;
    };
    expect(calls.by_endpoint['GET /companies (stream)']).toBeGreaterThanOrEqual(2);
  });

  it('picks up from a saved timepoint', async () => {
    const first = await take(stream(), 3);
    const resumed = await take(stream({ timepoint: first[1].event.timepoint }), 2);
    expect(resumed.map((e) => e.event.timepoint)).toEqual([
      first[2].event.timepoint,
      first[2].event.timepoint + 1,
    ]);
  });

  it('ends with a clear error on a timepoint out of range (416) and on a refused key (401)', async () => {
    const outOfRange = (await take(stream({ timepoint: 1 }), 1).catch((e: unknown) => e)) as ProviderError;
    expect(outOfRange).toMatchObject({ kind: 'bad_request', status: 416 });
    expect(outOfRange.message).toContain('restart the stream');
    const refused = (await take(stream({ key: 'rest-key-123456' }), 1).catch(
      (e: unknown) => e,
    )) as ProviderError;
    expect(refused).toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  it('refuses a REST key: the stream takes only a streaming key (401)', async () => {
    const rest = (await take(stream({ key: 'sandbox-companies-house-key' }), 1).catch(
      (e: unknown) => e,
    )) as ProviderError;
    expect(rest).toMatchObject({ kind: 'unauthorized', status: 401 });
    // Sluice's own default streaming key is one.
    expect(await take(stream({ key: 'sandbox-companies-house-stream-key' }), 1)).toHaveLength(1);
  });

  it('stops cleanly', async () => {
    const source = stream();
    const events: CompanyStreamEvent[] = [];
    for await (const event of source) {
      events.push(event);
      source.stop();
    }
    expect(events).toHaveLength(1);
  });
});
