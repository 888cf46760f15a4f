import domainSearch from './__fixtures__/domain-search.result.response.200.completed.json';
import emailFinder from './__fixtures__/email-finder.result.response.200.completed.json';
import { parseSnovWebhook, snovTaskState, SnovWebhookError } from './webhook';

describe('parseSnovWebhook', () => {
  it('reads an e-mail finder result into the e-mails of each row and their price', () => {
    const parsed = parseSnovWebhook(emailFinder);
    expect(parsed).toMatchObject({
      kind: 'email_finder',
      taskHash: 'af50fb238757ad092ad6e57e130b0dea',
      state: 'completed',
      credits: 2,
      rows: [
        {
          people: emailFinder.data[0].people,
          emails: [{ email: 'john.doe@yourdomain.com', verdict: 'valid' }],
        },
        {
          people: emailFinder.data[1].people,
          emails: [{ email: 'jane.doe@yourdomain.com', verdict: 'catch_all' }],
        },
      ],
    });
  });

  it('reads a domain search result into the company, charged 1 credit', () => {
    const parsed = parseSnovWebhook(domainSearch);
    expect(parsed).toMatchObject({
      kind: 'domain_search',
      taskHash: '6f15de14db954c761f8e7507547b3bd7',
      state: 'completed',
      credits: 1,
      company: { name: 'Snov.io', domain: 'snov.io' },
    });
  });

  it('reads a domain search that found nothing as no company and no charge', () => {
    expect(
      parseSnovWebhook({
        data: [],
        meta: { domain: 'a.io', task_hash: 'h1' },
        links: {},
        status: 'completed',
      }),
    ).toMatchObject({ kind: 'domain_search', company: null, credits: 0 });
  });

  it('keeps a task that ran out of credits apart from one still running', () => {
    const body = { status: 'not_enough_credits', data: [], meta: { rows: [], task_hash: 'h1' } };
    expect(parseSnovWebhook(body)).toMatchObject({
      kind: 'email_finder',
      state: 'not_enough_credits',
      credits: 0,
    });
  });

  it.each([
    ['a list', []],
    ['no task hash', { status: 'completed', meta: {} }],
    ['no status', { meta: { task_hash: 'abc', domain: 'a.io' } }],
    ['neither kind', { status: 'completed', meta: { task_hash: 'abc' }, data: [] }],
    [
      'a row without its result list',
      { status: 'completed', meta: { task_hash: 'abc', rows: [] }, data: [{ people: 'A B' }] },
    ],
    [
      'an e-mail without smtp_status',
      {
        status: 'completed',
        meta: { task_hash: 'abc', rows: [] },
        data: [{ people: 'A B', result: [{ email: 'a@b.io' }] }],
      },
    ],
    [
      'a company name that is not text',
      { status: 'completed', meta: { task_hash: 'abc', domain: 'a.io' }, data: { company_name: 7 } },
    ],
  ])('refuses %s, saying what is wrong', (_case, body) => {
    expect(() => parseSnovWebhook(body)).toThrow(SnovWebhookError);
  });
});

describe('snovTaskState', () => {
  it.each([
    ['completed', 'completed'],
    ['not_enough_credits', 'not_enough_credits'],
    ['in progress', 'in_progress'],
    ['in_progress', 'in_progress'],
  ])('reads %j as %s', (status, state) => {
    expect(snovTaskState(status)).toBe(state);
  });
});
