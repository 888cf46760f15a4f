import type { GatewayConfig } from '@sluice/config';
import type { HttpMetricsMiddleware } from '@sluice/platform';
import type { NextFunction, Request, Response } from 'express';
import type { AuditLog } from '../audit/audit-log.service';
import type { ApiKeyGuard } from '../auth/api-key.guard';
import type { KnownKey } from '../auth/api-key-cache';
import { EnrichFastPath } from './enrich-fast-path';
import type { EnrichAnswer } from './enrich-answer';
import type { EnrichService } from './enrich.service';

/**
 * The fast path's control flow: what it answers itself and what it passes on to the controller.
 * Its collaborators are small fakes here; the integration test (enrich.int-spec) runs it against
 * real Redis and PostgreSQL.
 */
describe('EnrichFastPath', () => {
  const KEY: KnownKey = {
    id: 'key-1',
    workspace_id: 'ws-1',
    scopes: ['enrich'],
    tier: 'standard',
    rate_limits: null,
  };
  const ANSWER = { job_id: 'job-1', status: 'completed', cached: true, data: {} } as unknown as EnrichAnswer;

  interface Setup {
    key?: KnownKey | null;
    answer?: EnrichAnswer | null;
    refuse?: boolean;
    jsonThrows?: boolean;
  }

  const run = async (
    setup: Setup,
    headers: Record<string, string> = { authorization: 'Bearer slk_test' },
  ): Promise<{
    next: jest.Mock;
    sent: unknown[];
    counted: number;
    audited: number;
    looked: number;
  }> => {
    let counted = 0;
    let audited = 0;
    let looked = 0;
    const sent: unknown[] = [];
    const keys = {
      authenticate: () => {
        looked += 1;
        return Promise.resolve(setup.key === undefined ? KEY : setup.key);
      },
      count: () => {
        counted += 1;
        return Promise.resolve(setup.refuse ? { code: 'rate_limited', message: 'no' } : null);
      },
    } as unknown as ApiKeyGuard;
    const enrichment = {
      cachedAnswer: () => Promise.resolve(setup.answer === undefined ? ANSWER : setup.answer),
    } as unknown as EnrichService;
    const audit = {
      record: () => {
        audited += 1;
        return Promise.resolve();
      },
    } as unknown as AuditLog;
    const metrics = {
      startTimer: () => () => 0,
      track: () => undefined,
    } as unknown as HttpMetricsMiddleware;
    const config = { enrichTimeoutMs: 2000, enrichTimeoutMaxMs: 30000 } as GatewayConfig;
    const fast = new EnrichFastPath(keys, enrichment, audit, metrics, config);
    const res = {
      headersSent: false,
      statusCode: 200,
      setHeader: () => undefined,
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      json(body: unknown) {
        this.headersSent = true;
        sent.push(body);
        if (setup.jsonThrows) {
          throw new Error('the socket went away');
        }
        return this;
      },
    };
    const req = {
      method: 'POST',
      path: '/v1/enrich',
      originalUrl: '/v1/enrich',
      headers,
      body: { email: 'ada@example.com', enrich: ['title'] },
    } as unknown as Request;
    const next = jest.fn() as jest.Mock & NextFunction;
    await new Promise<void>((resolve) => {
      fast.middleware(
        req,
        res as unknown as Response,
        ((...args: unknown[]) => {
          next(...args);
          resolve();
        }) as NextFunction,
      );
      // Served or not, the middleware settles within a few turns of the event loop.
      setTimeout(resolve, 50);
    });
    return { next, sent, counted, audited, looked };
  };

  it('answers a cached question itself: counted once, audited, not passed on', async () => {
    const outcome = await run({});
    expect(outcome.sent).toEqual([ANSWER]);
    expect(outcome.counted).toBe(1);
    expect(outcome.audited).toBe(1);
    expect(outcome.next).not.toHaveBeenCalled();
  });

  it('passes on a miss without counting it (the controller counts it once)', async () => {
    const outcome = await run({ answer: null });
    expect(outcome.next).toHaveBeenCalledTimes(1);
    expect(outcome.counted).toBe(0);
    expect(outcome.sent).toEqual([]);
  });

  it('passes on a refusal of the rate limit, answering nothing and auditing nothing', async () => {
    const outcome = await run({ refuse: true });
    expect(outcome.next).toHaveBeenCalledTimes(1);
    expect(outcome.sent).toEqual([]);
    expect(outcome.audited).toBe(0);
  });

  it('passes on a missing key, an unknown key and a key without the enrich scope', async () => {
    expect((await run({}, {})).next).toHaveBeenCalledTimes(1);
    expect((await run({ key: null })).next).toHaveBeenCalledTimes(1);
    const reader = { ...KEY, scopes: ['jobs:read'] };
    const outcome = await run({ key: reader });
    expect(outcome.next).toHaveBeenCalledTimes(1);
    expect(outcome.counted).toBe(0);
  });

  it('leaves a request with an Idempotency-Key to the controller without looking at its key', async () => {
    const outcome = await run({}, { authorization: 'Bearer slk_test', 'idempotency-key': 'k-1' });
    expect(outcome.next).toHaveBeenCalledTimes(1);
    expect(outcome.looked).toBe(0);
  });

  it('never passes on a request it has already answered, even when something fails afterwards', async () => {
    const outcome = await run({ jsonThrows: true });
    expect(outcome.sent).toHaveLength(1);
    expect(outcome.next).not.toHaveBeenCalled();
  });
});
