import type { Request } from 'express';
import { issueSnovToken, snov, SNOV_TOKEN_LIFETIME_S } from './snov.provider';

const tokenRequest = (body: Record<string, unknown>): Request =>
  ({ path: '/snov/v1/oauth/access_token', body, headers: {} }) as unknown as Request;
const apiRequest = (authorization?: string): Request =>
  ({
    path: '/snov/v1/get-balance',
    body: {},
    headers: authorization ? { authorization } : {},
  }) as unknown as Request;

describe('snov (simulated provider)', () => {
  it('issues tokens only for client credentials starting with sandbox-', () => {
    const grant = {
      grant_type: 'client_credentials',
      client_id: 'sandbox-id',
      client_secret: 'sandbox-secret',
    };
    expect(snov.authenticate(tokenRequest(grant))).toEqual({ key: 'sandbox-id' });
    expect(snov.authenticate(tokenRequest({ ...grant, client_secret: 'live-secret' }))).toMatchObject({
      reply: { status: 401 },
    });
    expect(snov.authenticate(tokenRequest({ ...grant, grant_type: 'password' }))).toMatchObject({
      reply: { status: 400 },
    });
  });

  it('accepts a fresh Bearer token and refuses a missing, foreign, expired or revoked one', () => {
    const now = Date.now();
    const fresh = issueSnovToken(now, '0123456789abcdef');
    expect(snov.authenticate(apiRequest(`Bearer ${fresh}`))).toEqual({ key: 'snov-account' });
    const expired = issueSnovToken(now - SNOV_TOKEN_LIFETIME_S * 1000 - 1000, '0123456789abcdef');
    for (const header of [undefined, 'Bearer sandbox-made-up', `Bearer ${expired}`]) {
      expect(snov.authenticate(apiRequest(header))).toMatchObject({ reply: { status: 401 } });
    }
    expect(snov.authenticate(apiRequest(`Bearer ${fresh}`), now + 1)).toMatchObject({
      reply: { status: 401 },
    });
  });

  it('answers 429 with a Retry-After until the window ends, and no rate-limit headers otherwise', () => {
    const resetsAt = Math.floor(Date.now() / 1000) + 30;
    const reply = snov.rateLimited({ limit: 60, remaining: 0, resetsAt, windowSeconds: 60 });
    expect(reply.status).toBe(429);
    expect(Number(reply.headers?.['Retry-After'])).toBeGreaterThanOrEqual(29);
    expect(snov.rateLimitHeaders({ limit: 60, remaining: 1, resetsAt, windowSeconds: 60 })).toEqual({});
  });
});
