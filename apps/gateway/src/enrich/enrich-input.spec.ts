import { BadRequestException } from '@nestjs/common';
import { enrichQueryKey, parseEnrichBody } from './enrich-input';

const limits = { defaultTimeoutMs: 2000, maxTimeoutMs: 30_000 };

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const body = (error as BadRequestException).getResponse() as { message: unknown };
    return Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
  }
  throw new Error('expected a 400');
}

describe('parseEnrichBody', () => {
  it('normalises the identifiers and defaults the timeout', () => {
    const parsed = parseEnrichBody({ email: ' Ada@ACME.com ', enrich: ['title', 'title', 'phone'] }, limits);
    expect(parsed.input).toEqual({ email: 'ada@acme.com' });
    expect(parsed.fields).toEqual(['title', 'phone']);
    expect(parsed.options.fields).toEqual(['title', 'phone']);
    expect(parsed.timeoutMs).toBe(2000);
    expect(parsed.maxCredits).toBeNull();
  });

  it('names what is wrong', () => {
    expect(messageOf(() => parseEnrichBody([], limits))).toMatch(/JSON object/);
    expect(messageOf(() => parseEnrichBody({ email: 'a@b.co', enrich: 'title' }, limits))).toMatch(
      /enrich must be a non-empty list/,
    );
    expect(messageOf(() => parseEnrichBody({ email: 'a@b.co', enrich: ['title', 7] }, limits))).toMatch(
      /unknown field\(s\) 7/,
    );
    expect(messageOf(() => parseEnrichBody({ enrich: ['title'], email: '' }, limits))).toMatch(
      /no identifier/,
    );
    expect(messageOf(() => parseEnrichBody({ phone: 'abc', enrich: ['title'] }, limits))).toMatch(/^phone/);
    expect(
      messageOf(() => parseEnrichBody({ email: 'a@b.co', enrich: ['title'], timeout_ms: 60_000 }, limits)),
    ).toMatch(/timeout_ms must be an integer from 0 to 30000/);
    expect(
      messageOf(() =>
        parseEnrichBody({ email: 'a@b.co', enrich: ['title'], callback_url: 'https://x' }, limits),
      ),
    ).toMatch(/enqueue/);
    expect(
      messageOf(() => parseEnrichBody({ company_name: 'Acme', enrich: ['mobile_phone'] }, limits)),
    ).toMatch(/mobile_phone cannot be looked up/);
  });
});

describe('enrichQueryKey', () => {
  const key = (body: Record<string, unknown>): string => enrichQueryKey(parseEnrichBody(body, limits));

  it('is the same however the same question is written', () => {
    expect(
      key({ first_name: 'Ada', last_name: 'Lovelace', domain: 'acme.com', enrich: ['title', 'phone'] }),
    ).toBe(
      key({
        first_name: 'ADA',
        last_name: ' Lovelace',
        domain: 'https://www.Acme.com/',
        enrich: ['phone', 'title'],
      }),
    );
  });

  it('differs when the question does', () => {
    const base = { email: 'ada@acme.com', enrich: ['title'] };
    expect(key(base)).not.toBe(key({ ...base, enrich: ['title', 'phone'] }));
    expect(key(base)).not.toBe(key({ ...base, email: 'grace@acme.com' }));
    expect(key(base)).not.toBe(key({ ...base, options: { accept_catch_all: true } }));
  });
});
