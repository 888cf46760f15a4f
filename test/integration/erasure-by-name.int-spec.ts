import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { mentionsInDatabase, mentionsInRedis } from '../support/mentions';
import { enqueue, finished, people, setUp, tearDown } from '../support/pipeline';
import type { Stack } from '../support/stack';
import type { TestDatabase } from '../support/database';

/**
 * A person asked for by name at their company, whose number a phone provider found: neither the
 * question nor its answer names their e-mail or profile. Erasing them by e-mail must take that
 * request and what it found too (its steps, the number stored under the question, the cached
 * answer), not leave the number to be served from the cache to the next such question.
 */
describe('erasure of a person asked for by name', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    await tearDown(ctx);
    ctx = undefined;
  });

  it('erases the requests that asked for them by name and domain, with the numbers found', async () => {
    ctx = await setUp({});
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased By Name Phones Co');
    // Someone a phone provider knows by name and domain, and Apollo by e-mail.
    const subject = (await people(stack.sandboxUrl)).find(
      (p) => Object.keys(p.phones).length > 0 && p.emails.apollo === p.email,
    );
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();
    const number = Object.values(person.phones)[0].replace(/^\+/, '');

    // Asked by name, spelt otherwise than the person's record (case, spaces, the site's URL).
    const byName = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, {
        type: 'person.phone',
        input: {
          first_name: ` ${person.first_name.toUpperCase()}`,
          last_name: person.last_name,
          domain: `https://www.${person.domain}/`,
        },
      }),
      30_000,
    );
    expect(JSON.stringify(byName.result)).toContain(number);
    expect(JSON.stringify(byName).toLowerCase()).not.toContain(email);
    // Asked by e-mail: the person's record (their name and company) is stored.
    await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.phone', input: { email } }),
      30_000,
    );
    // A namesake elsewhere, asked by name at another company: not the person, so it stays.
    const elsewhere = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, {
        type: 'person.phone',
        input: { first_name: person.first_name, last_name: person.last_name, domain: 'example.org' },
      }),
      30_000,
    );
    expect(
      await db.dataSource.query(`SELECT full_name FROM persons WHERE lower(email) = $1`, [email]),
    ).toEqual([{ full_name: `${person.first_name} ${person.last_name}` }]);
    expect(Object.keys(await mentionsInDatabase(db, number))).toEqual(
      expect.arrayContaining(['enrichment_requests.result', 'person_phones.number']),
    );
    expect((await mentionsInRedis(redis, prefix, number)).length).toBeGreaterThan(0);

    const erased = await call<{ erased: Record<string, number> }>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(email)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);

    // Nothing keeps the number, in PostgreSQL or Redis; the request asked by name is gone.
    expect(await mentionsInDatabase(db, number)).toEqual({});
    expect(await mentionsInRedis(redis, prefix, number)).toEqual([]);
    expect((await call(stack.gatewayUrl, 'GET', `/v1/jobs/${byName.id}`, { token: apiKey })).status).toBe(
      404,
    );
    expect((await call(stack.gatewayUrl, 'GET', `/v1/jobs/${elsewhere.id}`, { token: apiKey })).status).toBe(
      200,
    );
    // The same question is not answered from a cache: nothing of the number was kept.
    const again = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, {
        type: 'person.phone',
        input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
      }),
      30_000,
    );
    expect(again.steps.filter((step) => step.cached)).toEqual([]);
  });

  it('finds them by a name whose letters lower-case differently in JavaScript and PostgreSQL (İ), in either case', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased By Dotted Name Co');
    const subject = (await people(stack.sandboxUrl)).find((p) => p.emails.apollo === p.email);
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();
    // A Turkish name: JavaScript lower-cases İ to i and a combining dot, PostgreSQL to i; and under
    // a `C` collation PostgreSQL lower-cases ASCII letters only (Ç, Ğ stay as they are).
    const fullName = `İlker Çağlar ${person.last_name}`;
    const byName = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, {
        type: 'person.phone',
        input: { full_name: fullName, domain: person.domain },
      }),
      30_000,
    );
    await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.phone', input: { email } }),
      30_000,
    );
    // The workspace's record of the person carries that name, in capitals (as a provider's answer
    // may write it).
    const renamed = await db.dataSource.query<unknown[]>(
      `UPDATE persons SET full_name = $2 WHERE lower(email) = $1 RETURNING id`,
      [email, fullName.toUpperCase()],
    );
    expect(renamed[0]).toHaveLength(1);

    const erased = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    expect((await call(stack.gatewayUrl, 'GET', `/v1/jobs/${byName.id}`, { token: apiKey })).status).toBe(
      404,
    );
  });
});
