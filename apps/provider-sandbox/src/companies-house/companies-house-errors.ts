import type { SimulatedReply } from '../simulation/simulated-provider';

/**
 * Companies House's error envelope: `{"errors":[{"error":"<key>","type":"ch:service"}]}`. Keys of
 * real errors come from `errors.yml` in companieshouse/api-enumerations; the sandbox-only ones
 * (injected failures, outages, bad paging) follow the same style.
 */
export function chError(status: number, error: string): SimulatedReply {
  return { status, body: { errors: [{ error, type: 'ch:service' }] } };
}
