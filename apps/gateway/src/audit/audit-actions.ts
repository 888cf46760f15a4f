/**
 * Every action the audit trail records, as written in `audit_events.action`. The one list: an
 * {@link AuditEntry}'s action must be one of these (a new audited action is added here first), the
 * `action` filter of the audit lists refuses anything else by name, and the routes' description
 * lists them. The values are stored: renaming one leaves the rows already written under the old
 * name, so add names, never rename them.
 */
export const AUDIT_ACTIONS = [
  // Reads of person data.
  'job.read',
  'job.list.read',
  'job.events.read',
  'job.cancel',
  'batch.read',
  'import.read',
  'import.list.read',
  'enrich.read',
  'export.create',
  'export.download',
  'person.erase',
  // Admin actions.
  'workspace.create',
  'api_key.create',
  'api_key.revoke',
  'workspace.limits',
  'quota.set',
  'quota.delete',
  'provider.pause',
  'provider.resume',
  'provider.settings',
  'provider.settings.reset',
  // Credential changes.
  'credentials.put',
  'credentials.delete',
  'webhook_secret.rotate',
  // Changes to a workspace's batches.
  'batch.cancel',
  'batch.schedule.set',
  'batch.schedule.delete',
  // Operators' runs.
  'cache.clear',
  'jobs.retry_failed',
  'retention.run',
  'credits.check',
  'usage_report.send',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Whether `value` is an action the audit trail records. */
export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
