import { CompanyDomain } from './company-domain.entity';
import { CompanyOfficerRecord } from './company-officer.entity';
import { CreditLedgerEntry } from './credit-ledger.entity';
import { OfficerEmail } from './officer-email.entity';
import { PersonPhone } from './person-phone.entity';
import { PersonProfile } from './person-profile.entity';
import { CompanyFirmographics } from './company-firmographics.entity';
import { EmailVerification } from './email-verification.entity';
import { PersonRecord } from './person.entity';
import { ApiKey } from './api-key.entity';
import { CompanyRecord } from './company.entity';
import { EnrichmentRequest } from './enrichment-request.entity';
import { EnrichmentStep } from './enrichment-step.entity';
import { ProviderCall } from './provider-call.entity';
import { CallbackDelivery } from './callback-delivery.entity';
import { StreamPosition } from './stream-position.entity';
import { WebhookEvent } from './webhook-event.entity';
import { WorkspaceWebhookSecret } from './workspace-webhook-secret.entity';
import { Workspace } from './workspace.entity';
import { Alert } from './alert.entity';
import { AlertState } from './alert-state.entity';
import { CreditSnapshot } from './credit-snapshot.entity';
import { WorkspaceQuota } from './workspace-quota.entity';
import { WorkspaceProviderCredential } from './workspace-provider-credential.entity';
import { Batch } from './batch.entity';
import { BatchRecord } from './batch-record.entity';
import { ImportRecord } from './import.entity';
import { ExportRecord } from './export.entity';
import { AuditEvent } from './audit-event.entity';
import { RetentionRun } from './retention-run.entity';
import { Suppression } from './suppression.entity';
import { ProviderSettingsRow } from './provider-settings.entity';
import { ProviderPauseRow } from './provider-pause.entity';
import { IdempotencyAnswer } from './idempotency-answer.entity';
import { ErasureRecord } from './erasure.entity';
import { ErasedTask } from './erased-task.entity';

export * from './api-key.entity';
export * from './company.entity';
export * from './enrichment-request.entity';
export * from './enrichment-step.entity';
export * from './provider-call.entity';
export * from './workspace.entity';
export * from './company-domain.entity';
export * from './company-officer.entity';
export * from './credit-ledger.entity';
export * from './officer-email.entity';
export * from './person-phone.entity';
export * from './person-profile.entity';
export * from './company-firmographics.entity';
export * from './email-verification.entity';
export * from './person.entity';
export * from './webhook-event.entity';
export * from './stream-position.entity';
export * from './callback-delivery.entity';
export * from './workspace-webhook-secret.entity';
export * from './alert.entity';
export * from './alert-state.entity';
export * from './credit-snapshot.entity';
export * from './provider-settings.entity';
export * from './provider-pause.entity';
export * from './idempotency-answer.entity';
export * from './workspace-quota.entity';
export * from './workspace-provider-credential.entity';
export * from './batch.entity';
export * from './batch-record.entity';
export * from './import.entity';
export * from './export.entity';
export * from './audit-event.entity';
export * from './retention-run.entity';
export * from './suppression.entity';
export * from './erasure.entity';
export * from './erased-task.entity';

/** The explicit entity list: no globs, so a build never silently misses an entity. */
export const ENTITIES = [
  Workspace,
  ApiKey,
  EnrichmentRequest,
  EnrichmentStep,
  ProviderCall,
  CompanyRecord,
  CreditLedgerEntry,
  PersonRecord,
  PersonPhone,
  PersonProfile,
  EmailVerification,
  CompanyDomain,
  CompanyFirmographics,
  CompanyOfficerRecord,
  OfficerEmail,
  WebhookEvent,
  WorkspaceWebhookSecret,
  CallbackDelivery,
  StreamPosition,
  CreditSnapshot,
  Alert,
  AlertState,
  WorkspaceQuota,
  WorkspaceProviderCredential,
  Batch,
  BatchRecord,
  ImportRecord,
  ExportRecord,
  AuditEvent,
  RetentionRun,
  Suppression,
  ProviderSettingsRow,
  ProviderPauseRow,
  IdempotencyAnswer,
  ErasureRecord,
  ErasedTask,
];
