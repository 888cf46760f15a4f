import balance from './__fixtures__/get-balance.response.200.json';
import domainSearch from './__fixtures__/domain-search.result.response.200.completed.json';
import emailFinder from './__fixtures__/email-finder.result.response.200.completed.json';
import { mapBalance, mapDomainSearchResult, mapEmailFinderResult } from './mapper';
import type { SnovDomainSearchResult, SnovEmailFinderResult } from './types';

describe('Snov.io mapping of the reference examples', () => {
  it('reads the e-mail finder result per row, a catch-all unknown as catch_all', () => {
    expect(mapEmailFinderResult(emailFinder as SnovEmailFinderResult)).toEqual([
      [{ email: 'john.doe@yourdomain.com', kind: 'work', verdict: 'valid', confidence: 0.9 }],
      [{ email: 'jane.doe@yourdomain.com', kind: 'work', verdict: 'catch_all', confidence: 0.5 }],
    ]);
  });

  it('reads the company of a completed domain search, the size band as its upper bound', () => {
    expect(mapDomainSearchResult(domainSearch as SnovDomainSearchResult)).toEqual({
      name: 'Snov.io',
      domain: 'snov.io',
      industry: 'Computer Software',
      employees: 200,
      revenueUsd: null,
      technologies: [],
      linkedinUrl: null,
      phone: '+13477050819',
      location: { locality: 'New York', region: null, country: null },
    });
  });

  it('reads nothing from a domain search that found nothing', () => {
    expect(
      mapDomainSearchResult({ data: [], meta: { task_hash: 'x', domain: 'a.io' }, status: 'completed' }),
    ).toBeNull();
  });

  it('reads the balance as a number and the renewal from days', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(mapBalance(balance, now)).toEqual({
      remaining: 25000,
      limit: null,
      renewsAt: new Date('2026-12-21T00:00:00Z'),
      details: { unique_recipients_used: 0, expires_in_days: 359 },
    });
  });
});
