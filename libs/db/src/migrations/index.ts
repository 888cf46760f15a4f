import { Init1795347031841 } from './1795347031841-Init';
import { Pipeline1795380857754 } from './1795380857754-Pipeline';
import { Webhooks1795392268737 } from './1795392268737-Webhooks';
import { Callbacks1795392986849 } from './1795392986849-Callbacks';
import { CompaniesStream1795394102494 } from './1795394102494-CompaniesStream';
import { CreditMonitor1796227551028 } from './1796227551028-CreditMonitor';
import { ApiLimits1796229405598 } from './1796229405598-ApiLimits';
import { WorkspaceCredentials1796236358620 } from './1796236358620-WorkspaceCredentials';
import { Batches1796237000567 } from './1796237000567-Batches';
import { Retention1796241159522 } from './1796241159522-Retention';
import { ProviderSettings1796240536805 } from './1796240536805-ProviderSettings';
import { Imports1796236280384 } from './1796236280384-Imports';
import { ImportResume1796249651359 } from './1796249651359-ImportResume';
import { CallbackTokenDigests1796330000000 } from './1796330000000-CallbackTokenDigests';
import { WebhookEventSummaries1796340000000 } from './1796340000000-WebhookEventSummaries';
import { ErasureGuard1796350000000 } from './1796350000000-ErasureGuard';
import { ProviderPauses1796360000000 } from './1796360000000-ProviderPauses';
import { AuditEvents1796239530947 } from './1796239530947-AuditEvents';
import { BatchCancel1796327781211 } from './1796327781211-BatchCancel';
import { IdempotencyAnswers1796370000000 } from './1796370000000-IdempotencyAnswers';
import { UnlimitedCredits1796380000000 } from './1796380000000-UnlimitedCredits';
import { IdempotencyWorkRecords1796390000000 } from './1796390000000-IdempotencyWorkRecords';
import { PersonProfiles1796400000000 } from './1796400000000-PersonProfiles';
import { CompanyFirmographics1796410000000 } from './1796410000000-CompanyFirmographics';
import { SnapshotAnsweredAt1796420000000 } from './1796420000000-SnapshotAnsweredAt';
import { PersonCompanyKey1796430000000 } from './1796430000000-PersonCompanyKey';
import { EmailVerifications1796440000000 } from './1796440000000-EmailVerifications';
import { SnapshotRenewsAt1796450000000 } from './1796450000000-SnapshotRenewsAt';
import { RequestRetriedAs1796460000000 } from './1796460000000-RequestRetriedAs';
import { ProviderCallOwnAccount1796470000000 } from './1796470000000-ProviderCallOwnAccount';
import { ImportIdempotencyKey1796480000000 } from './1796480000000-ImportIdempotencyKey';
import { StepProviderTask1796490000000 } from './1796490000000-StepProviderTask';
import { StepTaskAccount1796500000000 } from './1796500000000-StepTaskAccount';
import { RequestFirstAttemptAt1796510000000 } from './1796510000000-RequestFirstAttemptAt';
import { PhoneExtension1796530000000 } from './1796530000000-PhoneExtension';
import { RequestRetryOf1796540000000 } from './1796540000000-RequestRetryOf';
import { ReportIndexes1796550000000 } from './1796550000000-ReportIndexes';
import { RetryOfBackfill1796560000000 } from './1796560000000-RetryOfBackfill';
import { SuppressionLookup1796570000000 } from './1796570000000-SuppressionLookup';
import { Erasures1796580000000 } from './1796580000000-Erasures';
import { CallbackRecovery1796590000000 } from './1796590000000-CallbackRecovery';
import { ErasedTasks1796600000000 } from './1796600000000-ErasedTasks';
import { ErasurePendingCache1796610000000 } from './1796610000000-ErasurePendingCache';

/** Every migration, in order. Listed explicitly (no glob) so that compiled and test runs agree. */
export const MIGRATIONS: (new () => object)[] = [
  Init1795347031841,
  Pipeline1795380857754,
  Webhooks1795392268737,
  Callbacks1795392986849,
  CompaniesStream1795394102494,
  CreditMonitor1796227551028,
  ApiLimits1796229405598,
  Imports1796236280384,
  WorkspaceCredentials1796236358620,
  Batches1796237000567,
  AuditEvents1796239530947,
  ProviderSettings1796240536805,
  Retention1796241159522,
  ImportResume1796249651359,
  BatchCancel1796327781211,
  CallbackTokenDigests1796330000000,
  WebhookEventSummaries1796340000000,
  ErasureGuard1796350000000,
  ProviderPauses1796360000000,
  IdempotencyAnswers1796370000000,
  UnlimitedCredits1796380000000,
  IdempotencyWorkRecords1796390000000,
  PersonProfiles1796400000000,
  CompanyFirmographics1796410000000,
  SnapshotAnsweredAt1796420000000,
  PersonCompanyKey1796430000000,
  EmailVerifications1796440000000,
  SnapshotRenewsAt1796450000000,
  RequestRetriedAs1796460000000,
  ProviderCallOwnAccount1796470000000,
  ImportIdempotencyKey1796480000000,
  StepProviderTask1796490000000,
  StepTaskAccount1796500000000,
  RequestFirstAttemptAt1796510000000,
  PhoneExtension1796530000000,
  RequestRetryOf1796540000000,
  ReportIndexes1796550000000,
  RetryOfBackfill1796560000000,
  SuppressionLookup1796570000000,
  Erasures1796580000000,
  CallbackRecovery1796590000000,
  ErasedTasks1796600000000,
  ErasurePendingCache1796610000000,
];
