import { createHmac } from 'node:crypto';
import { ProviderError } from '../errors';
import complete from './__fixtures__/person-lookup.response.200.complete.docs-example.json';
import headers from './__fixtures__/webhook.headers.docs-example.json';
import { parseRocketReachWebhook, rocketReachWebhookRefs, verifyRocketReachSignature } from './webhook';

const SECRET = 'webhook-secret';
const sign = (body: string, secret = SECRET): string =>
  createHmac('sha256', secret).update(body).digest('base64');

describe('verifyRocketReachSignature', () => {
  const body = JSON.stringify([{ ...complete, profile_list: { id: 1, name: 'API Bulk Lookup' } }]);

  it('accepts base64(HMAC-SHA256) of the exact raw body, as a string or a Buffer', () => {
    expect(verifyRocketReachSignature(body, sign(body), SECRET)).toBe(true);
    expect(verifyRocketReachSignature(Buffer.from(body), sign(body), SECRET)).toBe(true);
  });

  it('refuses a changed body, another secret, a missing, repeated or malformed header, an empty secret', () => {
    const signature = sign(body);
    expect(verifyRocketReachSignature(`${body} `, signature, SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body.replace('John', 'Jane'), signature, SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body, signature, 'other-secret')).toBe(false);
    expect(verifyRocketReachSignature(body, undefined, SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body, [signature, signature], SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body, `${signature}!!`, SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body, 'not base64 at all', SECRET)).toBe(false);
    expect(verifyRocketReachSignature(body, signature, '')).toBe(false);
  });

  it('refuses the documented example header for a body it was not made for', () => {
    expect(verifyRocketReachSignature(body, headers['X-RocketReach-Signature'], SECRET)).toBe(false);
  });
});

describe('parseRocketReachWebhook', () => {
  const requestId = headers['RR-Request-ID'];

  it('reads a single lookup delivery (one profile object) into a person keyed by RR-Request-ID', () => {
    const delivery = parseRocketReachWebhook(JSON.stringify(complete), requestId);
    expect(delivery).toMatchObject({ requestId, bulk: false });
    expect(delivery.results).toHaveLength(1);
    expect(delivery.results[0]).toMatchObject({
      profileId: 5244,
      status: 'complete',
      profileList: null,
      person: {
        fullName: 'John Doe',
        companyName: 'Google',
        emails: [{ email: 'johndoe@google.com', kind: 'work', verdict: 'valid' }],
      },
    });
  });

  it('reads a single lookup delivery with profile_list added: the same person, and the list kept', () => {
    const list = { id: 3, name: 'API Lookup' };
    const delivery = parseRocketReachWebhook(JSON.stringify({ ...complete, profile_list: list }), requestId);
    expect(delivery).toMatchObject({ requestId, bulk: false });
    expect(delivery.results).toHaveLength(1);
    expect(delivery.results[0]).toMatchObject({
      profileId: 5244,
      status: 'complete',
      profileList: list,
      person: { fullName: 'John Doe', emails: [{ email: 'johndoe@google.com', kind: 'work' }] },
    });
  });

  it('reads a bulk delivery (a list), keeps the profile list, and leaves unfinished profiles without a person', () => {
    const body = JSON.stringify([
      { ...complete, profile_list: { id: 3, name: 'API Bulk Lookup' } },
      { id: 9, status: 'failed', profile_list: { id: 3, name: 'API Bulk Lookup' } },
    ]);
    const delivery = parseRocketReachWebhook(Buffer.from(body), requestId);
    expect(delivery.bulk).toBe(true);
    expect(delivery.results.map((r) => [r.profileId, r.status, r.person?.fullName ?? null])).toEqual([
      [5244, 'complete', 'John Doe'],
      [9, 'failed', null],
    ]);
    expect(delivery.results[0].profileList).toEqual({ id: 3, name: 'API Bulk Lookup' });
    expect(parseRocketReachWebhook('[]', requestId).results).toEqual([]);
  });

  it('refuses a delivery without RR-Request-ID, a body that is not JSON, and items that are not profiles', () => {
    const refusal = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return 'accepted';
    };
    const body = JSON.stringify(complete);
    for (const outcome of [
      refusal(() => parseRocketReachWebhook(body, undefined)),
      refusal(() => parseRocketReachWebhook(body, ['a', 'b'])),
      refusal(() => parseRocketReachWebhook('{not json', requestId)),
      refusal(() => parseRocketReachWebhook(JSON.stringify([{ name: 'x' }]), requestId)),
      refusal(() => parseRocketReachWebhook('"complete"', requestId)),
    ]) {
      expect(outcome).toBeInstanceOf(ProviderError);
      expect(outcome).toMatchObject({ kind: 'invalid_response' });
    }
  });
});

describe('rocketReachWebhookRefs', () => {
  it('keeps the ids, states and profile lists of a delivery, and nothing about the person', () => {
    const single = JSON.stringify({ ...complete, profile_list: { id: 3, name: 'Leads of Jane Doe' } });
    expect(rocketReachWebhookRefs(single)).toEqual([
      { id: complete.id, status: complete.status, profileListId: 3 },
    ]);
    const refs = rocketReachWebhookRefs(Buffer.from(JSON.stringify([complete, { ...complete, id: 5 }])));
    expect(refs?.map((ref) => ref.id)).toEqual([complete.id, 5]);
    expect(JSON.stringify(refs)).not.toMatch(/@|linkedin|Leads/i);
  });

  it('keeps an id or a state only in the form RocketReach gives them', () => {
    expect(rocketReachWebhookRefs('{"id": "123", "status": "in progress"}')).toEqual([
      { id: '123', status: 'in progress', profileListId: null },
    ]);
    expect(rocketReachWebhookRefs('{"id": "jane@example.com", "status": "jane@example.com"}')).toEqual([
      { id: null, status: null, profileListId: null },
    ]);
  });

  it('has nothing to keep of a body that is not JSON or holds no profile object', () => {
    expect(rocketReachWebhookRefs('{"id": ')).toBeNull();
    expect(rocketReachWebhookRefs('[]')).toBeNull();
    expect(rocketReachWebhookRefs('"jane@example.com"')).toBeNull();
  });
});
