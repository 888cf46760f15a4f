import { registerFirstName, type CompanyOfficer } from '@sluice/enrichment';
import type { CompaniesHouseOfficer } from './types';

const CORPORATE_ROLES = /^corporate-/;

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[\s'-])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}

/**
 * An officer as the register prints it (`SMITH, Jane Anne` for people) in Sluice's words: first
 * forename (not a title) and surname split out for people, the officer id from the appointments link.
 */
export function mapOfficer(officer: CompaniesHouseOfficer): CompanyOfficer {
  const name = officer.name?.trim() ?? '';
  const role = officer.officer_role ?? 'unknown';
  const corporate = CORPORATE_ROLES.test(role) || officer.identification !== undefined;
  const comma = name.indexOf(',');
  const individual = !corporate && comma > 0;
  const officerId =
    /\/officers\/([^/]+)\/appointments/.exec(officer.links?.officer?.appointments ?? '')?.[1] ?? null;
  return {
    name,
    firstName: individual ? registerFirstName(name) : null,
    lastName: individual ? titleCase(name.slice(0, comma).trim()) : null,
    kind: corporate ? 'corporate' : 'individual',
    role,
    appointedOn: officer.appointed_on ?? null,
    resignedOn: officer.resigned_on ?? null,
    active: !officer.resigned_on,
    officerId,
  };
}
