import { generateWorld } from '../world/generate-world';
import recorded from './__fixtures__/search-companies.response.200.json';
import { addressSnippetOf, searchCompanies } from './company-search';

describe('searchCompanies', () => {
  const companies = generateWorld(20261122, 500).companies;
  const first = { itemsPerPage: 20, startIndex: 0 };

  it('matches a substring of the name in any case', () => {
    const target = companies[0];
    const fragment = target.company_name.split(' ')[0].toLowerCase();
    const results = searchCompanies(companies, fragment, first);
    expect(results.total_results).toBe(
      companies.filter((c) => c.company_name.toLowerCase().includes(fragment)).length,
    );
    expect(results.items.map((i) => i.company_number)).toContain(target.company_number);
  });

  it('ranks the exact name first', () => {
    const target = companies[42];
    const results = searchCompanies(companies, target.company_name.toLowerCase(), first);
    expect(results.items[0].company_number).toBe(target.company_number);
  });

  it('answers an empty page, not an error, when nothing matches', () => {
    expect(searchCompanies(companies, 'NO SUCH COMPANY ANYWHERE', first)).toMatchObject({
      kind: 'search#companies',
      total_results: 0,
      items: [],
      page_number: 1,
    });
  });

  it('pages results with page_number derived from start_index', () => {
    const all = searchCompanies(companies, 'LTD', { itemsPerPage: 100, startIndex: 0 });
    const page = searchCompanies(companies, 'LTD', { itemsPerPage: 10, startIndex: 20 });
    expect(page.page_number).toBe(3);
    expect(page.items_per_page).toBe(10);
    expect(page.start_index).toBe(20);
    expect(page.total_results).toBe(all.total_results);
    expect(page.items).toEqual(all.items.slice(20, 30));
  });

  it('shapes items like the recorded search answer', () => {
    const item = searchCompanies(companies, companies[0].company_name, first).items[0];
    const recordedKeys = new Set(Object.keys(recorded.items[0]));
    // `snippet` belongs to matches on previous names, which the world does not have.
    for (const key of Object.keys(item)) {
      expect([...recordedKeys, 'date_of_cessation']).toContain(key);
    }
    expect(item).toMatchObject({
      kind: 'searchresults#company',
      title: companies[0].company_name,
      links: { self: `/company/${companies[0].company_number}` },
      matches: { title: [1, companies[0].company_name.length] },
    });
    expect(item.description).toMatch(/^\S+ - Incorporated on [ \d]\d \w+ \d{4}$/);
  });

  it('describes dissolved companies by their dissolution', () => {
    const dissolved = companies.find((c) => c.company_status === 'dissolved')!;
    const item = searchCompanies(companies, dissolved.company_name, first).items[0];
    expect(item.date_of_cessation).toBe(dissolved.date_of_cessation);
    expect(item.description).toContain(' - Dissolved on ');
    expect(item.description_identifier).toEqual(['dissolved-on']);
  });

  it('builds the address snippet in the recorded order', () => {
    expect(
      addressSnippetOf({
        premises: 'Shell Centre',
        address_line_1: 'York Road',
        locality: 'London',
        postal_code: 'SE1 7NA',
        country: 'United Kingdom',
      }),
    ).toBe(recorded.items[1].address_snippet);
  });
});
