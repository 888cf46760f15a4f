import { normalizeDomain } from '@sluice/enrichment';
import type { SerperSearchResponse } from './types';

/**
 * Sites that list companies but are not a company's own: a result on one of them says nothing
 * about the company's domain.
 */
export const DIRECTORY_DOMAINS: readonly string[] = [
  'linkedin.com',
  'facebook.com',
  'twitter.com',
  'x.com',
  'instagram.com',
  'youtube.com',
  'wikipedia.org',
  'companieshouse.gov.uk',
  'company-information.service.gov.uk',
  'find-and-update.company-information.service.gov.uk',
  'gov.uk',
  'endole.co.uk',
  'opencorporates.com',
  'bloomberg.com',
  'crunchbase.com',
  'glassdoor.com',
  'glassdoor.co.uk',
  'indeed.com',
  'yell.com',
  'zoominfo.com',
  'dnb.com',
  'companycheck.co.uk',
  'bizstats.co.uk',
];

function isDirectory(domain: string): boolean {
  return DIRECTORY_DOMAINS.some((directory) => domain === directory || domain.endsWith(`.${directory}`));
}

/** Words of a company name that say something (no LTD, LIMITED, THE...). */
function nameWords(companyName: string): string[] {
  return companyName
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(
      (word) =>
        word.length > 2 && !['ltd', 'limited', 'plc', 'llp', 'the', 'and', 'company', 'group'].includes(word),
    );
}

/**
 * The company's own domain from a search for its name: the knowledge graph's website when there is
 * one, else the first organic result off the directory sites whose domain carries a word of the
 * name. `null` when unsure: a wrong domain costs more downstream than no domain.
 */
export function discoverDomain(companyName: string, response: SerperSearchResponse): string | null {
  const website = response.knowledgeGraph?.website ? normalizeDomain(response.knowledgeGraph.website) : null;
  if (website && !isDirectory(website)) {
    return website;
  }
  const words = nameWords(companyName);
  for (const result of response.organic ?? []) {
    const domain = normalizeDomain(result.link);
    if (!domain || isDirectory(domain)) {
      continue;
    }
    const label = domain.split('.')[0];
    if (words.some((word) => label.includes(word))) {
      return domain;
    }
  }
  return null;
}
