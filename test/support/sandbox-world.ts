/** The sandbox's answer key, as `GET /_sandbox/world/people` and `/companies` list it. */
export interface WorldPerson {
  person_id: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string;
  domain: string;
  company_name: string;
  company_number: string;
  linkedin_url: string;
  phone: string | null;
  title: string;
  seniority: string;
  department: string;
  officer_id: string | null;
  emails: Record<string, string>;
  phones: Record<string, string>;
  email_status: string;
}

export interface WorldCompany {
  company_number: string;
  company_name: string;
  company_status: string;
  company_status_detail: string | null;
  domain: string;
  postal_code: string;
  domain_known_by: string[];
  firmographics: { industry: string; employees: number; size_band: string; catch_all: boolean };
}

/**
 * Every key path of a JSON value (`data.result[].email`), sorted: two answers with the same paths
 * have the same fields, whatever their values. Arrays contribute the paths of all their items.
 */
export function keyPaths(value: unknown, prefix = ''): string[] {
  const paths = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) {
        walk(item, `${path}[]`);
      }
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const next = path ? `${path}.${key}` : key;
        paths.add(next);
        walk(child, next);
      }
    }
  };
  walk(value, prefix);
  return [...paths].sort();
}
