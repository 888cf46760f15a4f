import domainSearch from './__fixtures__/domain-search.result.response.200.completed.json';
import emailFinder from './__fixtures__/email-finder.result.response.200.completed.json';
import { parseSnovWebhook, SnovWebhookError } from './webhook';

describe('parseSnovWebhook', () => {
  it('recognises an e-mail finder result', () => {
    const parsed = parseSnovWebhook(emailFinder);
    expect(parsed).toMatchObject({
      kind: 'email_finder',
      taskHash: 'af50fb238757ad092ad6e57e130b0dea',
      status: 'completed',
    });
  });

  it('recognises a domain search result', () => {
    const parsed = parseSnovWebhook(domainSearch);
    expect(parsed).toMatchObject({
      kind: 'domain_search',
      taskHash: '6f15de14db954c761f8e7507547b3bd7',
      status: 'completed',
    });
  });

  it.each([
    ['a list', []],
    ['no task hash', { status: 'completed', meta: {} }],
    ['no status', { meta: { task_hash: 'abc', domain: 'a.io' } }],
    ['neither kind', { status: 'completed', meta: { task_hash: 'abc' }, data: [] }],
  ])('refuses %s, saying what is missing', (_case, body) => {
    expect(() => parseSnovWebhook(body)).toThrow(SnovWebhookError);
  });
});
