import sample from './__fixtures__/search.response.200.with-credits-and-page.json';
import { discoverDomain } from './domain-discovery';
import type { SerperSearchResponse } from './types';

const response = (organic: { link: string }[], website?: string): SerperSearchResponse => ({
  searchParameters: { q: 'x', type: 'search', engine: 'google' },
  ...(website ? { knowledgeGraph: { title: 'Kestrel Digital', website } } : {}),
  organic: organic.map((o, i) => ({ title: 't', link: o.link, position: i + 1 })),
});

describe('discoverDomain', () => {
  it("takes the knowledge graph's website", () => {
    expect(discoverDomain('KESTREL DIGITAL LTD', response([], 'https://www.kestrel-digital.co.uk/'))).toBe(
      'kestrel-digital.co.uk',
    );
  });

  it('skips directories and takes the first result that carries a word of the name', () => {
    const found = discoverDomain(
      'KESTREL DIGITAL LTD',
      response([
        { link: 'https://uk.linkedin.com/company/kestrel-digital' },
        { link: 'https://find-and-update.company-information.service.gov.uk/company/01234567' },
        { link: 'https://www.unrelated-news.com/story' },
        { link: 'https://kestreldigital.io/about' },
      ]),
    );
    expect(found).toBe('kestreldigital.io');
  });

  it('is unsure (null) when nothing matches, as for the recorded unrelated search', () => {
    expect(discoverDomain('KESTREL DIGITAL LTD', sample as SerperSearchResponse)).toBeNull();
  });
});
