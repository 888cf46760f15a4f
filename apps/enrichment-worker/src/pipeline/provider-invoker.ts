import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { ProvidersConfig, withWorkspaceCredentials } from '@sluice/config';
import type {
  Firmographics,
  Company,
  CompanyOfficer,
  FoundEmail,
  FoundPhone,
  GoalCapability,
  Person,
  PersonQuery,
} from '@sluice/enrichment';
import {
  ApolloAdapter,
  AstraDialerAdapter,
  CompaniesHouseAdapter,
  CompaniesHouseClient,
  EmailVerifierAdapter,
  NimbusLookupAdapter,
  OrionConnectAdapter,
  ProviderError,
  RocketReachAdapter,
  RocketReachClient,
  SerperAdapter,
  SnovAdapter,
  SnovClient,
  type CapabilityResult,
  type CreditBalance,
  type DomainResolution,
  type EmailVerification,
  type Outcome,
  type PendingOutcome,
  type ProviderAdapter,
  type Revealed,
  type RequestGate,
} from '@sluice/providers';
import { CallbackTokens, type ProviderName } from '@sluice/queue';
import { ProviderCallLog } from '../steps/provider-call-log';
import type { WorkspaceAccount } from './workspace-accounts';

/**
 * A step's answer in the form the pipeline stores, caches and merges (plain JSON); `revealed` is
 * what the paid answer gave besides (see {@link Revealed}), stored and not part of the output.
 */
export type StepOutcome =
  | { status: 'hit'; output: Record<string, unknown>; credits: number; revealed?: Revealed }
  | { status: 'miss'; credits: number; reason: string; revealed?: Revealed }
  | PendingOutcome;

/** What a goal's provider call needs: the request's identifiers plus earlier goals' answers. */
export interface GoalInput {
  companyNumber?: string;
  companyName?: string;
  email?: string;
  person: PersonQuery;
}

/**
 * A firmographics question (its cache input, and the key its answer is kept under): the company's
 * domain when known, which the lookup asks by alone (see `call`), else its name.
 */
export function firmographicsQuestion(
  domain?: string | null,
  companyName?: string | null,
): Record<string, unknown> {
  return domain ? { domain } : { company_name: companyName };
}

/** The canonical company as the API shows it. */
export function companyView(company: Company): Record<string, unknown> {
  return {
    company_number: company.companyNumber,
    company_name: company.name,
    company_status: company.status,
    company_status_detail: company.statusDetail,
    company_type: company.type,
    jurisdiction: company.jurisdiction,
    incorporated_on: company.incorporatedOn,
    dissolved_on: company.dissolvedOn,
    sic_codes: company.sicCodes,
    registered_address: company.registeredAddress,
    source: 'companies-house',
  };
}

function officerView(officer: CompanyOfficer): Record<string, unknown> {
  return {
    name: officer.name,
    first_name: officer.firstName,
    last_name: officer.lastName,
    kind: officer.kind,
    role: officer.role,
    appointed_on: officer.appointedOn,
    resigned_on: officer.resignedOn,
    active: officer.active,
    officer_id: officer.officerId,
  };
}

function mapOutcome<T>(outcome: Outcome<T>, view: (data: T) => Record<string, unknown>): StepOutcome {
  switch (outcome.status) {
    case 'hit':
      return {
        status: 'hit',
        output: view(outcome.data),
        credits: outcome.credits,
        ...(outcome.revealed ? { revealed: outcome.revealed } : {}),
      };
    case 'miss':
      return {
        status: 'miss',
        credits: outcome.credits,
        reason: outcome.reason ?? 'not_found',
        ...(outcome.revealed ? { revealed: outcome.revealed } : {}),
      };
    case 'pending':
      return outcome;
  }
}

const emailView = (found: FoundEmail): Record<string, unknown> => ({ ...found });
const phonesView = (phones: FoundPhone[]): Record<string, unknown> => ({ phones });
const personView = (person: Person): Record<string, unknown> => ({ person });
const domainView = (resolution: DomainResolution): Record<string, unknown> => ({
  domain: resolution.domain,
  company_name: resolution.companyName,
});
const verificationView = (verification: EmailVerification): Record<string, unknown> => ({
  email: verification.email,
  verdict: verification.verdict,
  raw_verdict: verification.rawVerdict,
});

/** A provider answer with no phones is a miss, whatever the provider's status said. */
function phonesOutcome(outcome: Outcome<FoundPhone[]>): StepOutcome {
  if (outcome.status === 'hit' && outcome.data.length === 0) {
    return { status: 'miss', credits: outcome.credits, reason: 'no phone numbers' };
  }
  return mapOutcome(outcome, phonesView);
}

function unsupported(provider: string, capability: string): never {
  throw new ProviderError({
    provider,
    kind: 'bad_request',
    message: `${provider} cannot serve ${capability}`,
  });
}

/**
 * Runs adapter work, turning anything it throws that is not a `ProviderError` into the provider's
 * invalid response. The adapters check the outline of an answer, not every field: a field of the
 * wrong type deeper in (a number where a string is documented, a list of nulls) fails in mapping
 * code as a TypeError. Left as it is, the step runner takes it for an infrastructure failure and
 * BullMQ retries the step, paying the provider again for the same answer each time, until the
 * attempts run out and the step is left unsettled. Retrying cannot make the answer readable.
 */
async function understood<T>(provider: ProviderName, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProviderError) {
      throw error;
    }
    throw new ProviderError({
      provider,
      kind: 'invalid_response',
      message: `${provider}'s answer could not be read (${error instanceof Error ? error.message : String(error)}); its API may have changed, or the base URL may not point at it.`,
      cause: error,
    });
  }
}

/** How long one HTTP call to the provider may take: the e-mail verifier checks over SMTP while it is asked. */
export function timeoutOf(config: ProvidersConfig, provider: ProviderName): number {
  return provider === 'email-verifier' ? config.emailVerifierTimeoutMs : config.providerTimeoutMs;
}

/**
 * Every provider adapter built from one set of provider settings, behind one call per goal
 * capability. Calls report to the provider call log through the adapters' call sink.
 */
class AdapterSet {
  /** The providers whose tasks this set starts with a callback URL (none without WEBHOOK_PUBLIC_URL). */
  readonly callsBack = new Set<ProviderName>();
  private readonly companiesHouse: CompaniesHouseAdapter;
  private readonly snov: SnovAdapter;
  private readonly rocketreach: RocketReachAdapter;
  private readonly apollo: ApolloAdapter;
  private readonly serper: SerperAdapter;
  private readonly orion: OrionConnectAdapter;
  private readonly astra: AstraDialerAdapter;
  private readonly nimbus: NimbusLookupAdapter;
  private readonly verifier: EmailVerifierAdapter;

  constructor(
    config: ProvidersConfig,
    callLog: ProviderCallLog,
    tokens: CallbackTokens,
    beforeRequest: RequestGate,
  ) {
    const common = { timeoutMs: config.providerTimeoutMs, onCall: callLog.sink, beforeRequest };
    // A callback URL names the provider and the step's unguessable token (see the webhook receiver).
    const base = config.webhookPublicUrl.replace(/\/+$/, '');
    // Each provider given one is noted, so that its waiting steps know a callback will wake them.
    const callbackUrl = (provider: ProviderName) => {
      if (base) {
        this.callsBack.add(provider);
      }
      return (): string | undefined => {
        const stepId = callLog.current()?.stepId;
        return base && stepId ? `${base}/webhooks/${provider}/${tokens.tokenFor(stepId)}` : undefined;
      };
    };
    this.companiesHouse = new CompaniesHouseAdapter(
      new CompaniesHouseClient({
        baseUrl: config.companiesHouseBaseUrl,
        apiKey: config.companiesHouseApiKey,
        ...common,
      }),
    );
    this.snov = new SnovAdapter(
      new SnovClient({
        baseUrl: config.snovBaseUrl,
        clientId: config.snovClientId,
        clientSecret: config.snovClientSecret,
        ...common,
      }),
      callbackUrl('snov'),
    );
    this.rocketreach = new RocketReachAdapter(
      new RocketReachClient({
        baseUrl: config.rocketreachBaseUrl,
        apiKey: config.rocketreachApiKey,
        ...common,
      }),
    );
    // Given no callback URL: its match answers at once, and no step asks it for a phone reveal.
    this.apollo = new ApolloAdapter({
      baseUrl: config.apolloBaseUrl,
      apiKey: config.apolloApiKey,
      ...common,
    });
    this.serper = new SerperAdapter({
      baseUrl: config.serperBaseUrl,
      apiKey: config.serperApiKey,
      ...common,
    });
    this.orion = new OrionConnectAdapter({
      baseUrl: config.orionConnectBaseUrl,
      apiKey: config.orionConnectApiKey,
      ...common,
    });
    this.astra = new AstraDialerAdapter({
      baseUrl: config.astraDialerBaseUrl,
      apiKey: config.astraDialerApiKey,
      ...common,
    });
    this.nimbus = new NimbusLookupAdapter(
      {
        baseUrl: config.nimbusLookupBaseUrl,
        apiKey: config.nimbusLookupApiKey,
        ...common,
      },
      callbackUrl('nimbus-lookup'),
    );
    this.verifier = new EmailVerifierAdapter({
      baseUrl: config.emailVerifierBaseUrl,
      apiKey: config.emailVerifierApiKey,
      ...common,
      timeoutMs: timeoutOf(config, 'email-verifier'),
    });
  }

  /** Starts (or, for synchronous providers, makes) the provider call of a goal. */
  async call(provider: ProviderName, capability: GoalCapability, input: GoalInput): Promise<StepOutcome> {
    switch (capability) {
      case 'lookup_company': {
        if (provider === 'rocketreach') {
          // Firmographics by the company's domain (or name): the `firmographics` goal.
          const query = input.person.domain ? { domain: input.person.domain } : { name: input.companyName };
          return mapOutcome((await this.rocketreach.lookupCompany(query)).data, (company: Firmographics) => ({
            company,
          }));
        }
        if (provider !== 'companies-house') {
          return unsupported(provider, capability);
        }
        const result = await this.companiesHouse.lookupCompany({ companyNumber: input.companyNumber });
        return mapOutcome(result.data, companyView);
      }
      case 'list_company_officers': {
        if (provider !== 'companies-house' || !input.companyNumber) {
          return unsupported(provider, capability);
        }
        const result = await this.companiesHouse.listCompanyOfficers(input.companyNumber);
        return mapOutcome(result.data, (officers) => ({ officers: officers.map(officerView) }));
      }
      case 'resolve_company_domain': {
        const adapter =
          provider === 'serper' ? this.serper : provider === 'rocketreach' ? this.rocketreach : null;
        if (!adapter || !input.companyName) {
          return unsupported(provider, capability);
        }
        const result = await adapter.resolveCompanyDomain({ companyName: input.companyName });
        return mapOutcome(result.data, domainView);
      }
      case 'find_work_email':
        return mapOutcome((await this.emailFinder(provider).findWorkEmail(input.person)).data, emailView);
      case 'find_phone':
        return phonesOutcome((await this.phoneFinder(provider).findPhone(input.person)).data);
      case 'lookup_person': {
        const adapter =
          provider === 'apollo' ? this.apollo : provider === 'rocketreach' ? this.rocketreach : null;
        if (!adapter) {
          return unsupported(provider, capability);
        }
        return mapOutcome((await adapter.lookupPerson(input.person)).data, personView);
      }
      case 'verify_email': {
        if (provider !== 'email-verifier' || !input.email) {
          return unsupported(provider, capability);
        }
        return mapOutcome((await this.verifier.verifyEmail(input.email)).data, verificationView);
      }
    }
  }

  /** The outcome of asynchronous work started by {@link call}, asked for by its task id (free). */
  async complete(provider: ProviderName, capability: GoalCapability, taskId: string): Promise<StepOutcome> {
    if (provider === 'snov' && capability === 'find_work_email') {
      return mapOutcome((await this.snov.completeWorkEmail(taskId)).data, emailView);
    }
    if (provider === 'rocketreach') {
      if (capability === 'find_work_email') {
        return mapOutcome((await this.rocketreach.completeLookup(taskId, 'email')).data, emailView);
      }
      if (capability === 'find_phone') {
        return phonesOutcome((await this.rocketreach.completeLookup(taskId, 'phone')).data);
      }
      if (capability === 'lookup_person') {
        return mapOutcome((await this.rocketreach.completeLookup(taskId, 'person')).data, personView);
      }
    }
    if (provider === 'nimbus-lookup' && capability === 'find_phone') {
      return phonesOutcome((await this.nimbus.completeFindPhone(taskId)).data);
    }
    return unsupported(provider, `${capability} completion`);
  }

  /** Whether the provider has a balance endpoint (reading it is then a call it counts). */
  hasBalance(provider: ProviderName): boolean {
    return this.balanceAdapter(provider)?.checkCredits !== undefined;
  }

  /** The calls the provider's adapter makes of its own before the next one (see `ProviderAdapter.callsBeforeNext`). */
  callsBeforeNext(provider: ProviderName): number {
    const withSetup: Partial<Record<ProviderName, ProviderAdapter>> = { snov: this.snov };
    return withSetup[provider]?.callsBeforeNext?.() ?? 0;
  }

  /** The provider's balance, for providers with a balance endpoint; null otherwise. */
  async balance(provider: ProviderName): Promise<CreditBalance | null> {
    const adapter = this.balanceAdapter(provider);
    return adapter?.checkCredits ? (await adapter.checkCredits()).data : null;
  }

  private balanceAdapter(provider: ProviderName): ProviderAdapter | undefined {
    const withBalance: Partial<Record<ProviderName, ProviderAdapter>> = {
      snov: this.snov,
      rocketreach: this.rocketreach,
      apollo: this.apollo,
    };
    return withBalance[provider];
  }

  private emailFinder(provider: ProviderName): {
    findWorkEmail(q: PersonQuery): Promise<CapabilityResult<FoundEmail>>;
  } {
    switch (provider) {
      case 'snov':
        return this.snov;
      case 'rocketreach':
        return this.rocketreach;
      case 'apollo':
        return this.apollo;
      default:
        return unsupported(provider, 'find_work_email');
    }
  }

  private phoneFinder(provider: ProviderName): {
    findPhone(q: PersonQuery): Promise<CapabilityResult<FoundPhone[]>>;
  } {
    switch (provider) {
      case 'orion-connect':
        return this.orion;
      case 'astra-dialer':
        return this.astra;
      case 'nimbus-lookup':
        return this.nimbus;
      case 'rocketreach':
        return this.rocketreach;
      default:
        return unsupported(provider, 'find_phone');
    }
  }
}

/** Adapter sets built on workspaces' own credentials kept at once (oldest dropped first). */
const WORKSPACE_ADAPTER_SETS = 1000;

/**
 * The provider adapters of this worker: those on the platform's credentials, and those built on a
 * workspace's own credentials for one provider when the step's workspace has them. A workspace's
 * set is built once per version of its credentials (their `updated_at`) and reused, so that an
 * OAuth provider's token is kept across calls and a PUT gives a new set.
 */
@Injectable()
export class ProviderInvoker {
  private readonly platform: AdapterSet;
  // Insertion order is age: a Map is enough for dropping the oldest of a bounded set.
  private readonly workspaceSets = new Map<string, AdapterSet>();
  /** The gate of the call being made (see {@link call}): every adapter's requests pass it. */
  private readonly gates = new AsyncLocalStorage<RequestGate>();
  private readonly beforeRequest: RequestGate = () => this.gates.getStore()?.() ?? Promise.resolve();

  constructor(
    private readonly config: ProvidersConfig,
    private readonly callLog: ProviderCallLog,
    private readonly tokens: CallbackTokens,
  ) {
    this.platform = new AdapterSet(config, callLog, tokens, this.beforeRequest);
  }

  /**
   * Starts (or, for synchronous providers, makes) the provider call of a goal. Each HTTP request
   * the adapter sends for it first passes `gate`, when given (see `RequestGate`).
   */
  call(
    provider: ProviderName,
    capability: GoalCapability,
    input: GoalInput,
    account: WorkspaceAccount | null = null,
    gate?: RequestGate,
  ): Promise<StepOutcome> {
    // Built outside: an adapter that cannot be built (a credential missing) is no provider answer.
    const adapters = this.adapters(account);
    return this.through(gate, () => understood(provider, () => adapters.call(provider, capability, input)));
  }

  /**
   * The outcome of asynchronous work started by {@link call} (on the same account), by its task id;
   * its requests pass `gate` as a call's do.
   */
  complete(
    provider: ProviderName,
    capability: GoalCapability,
    taskId: string,
    account: WorkspaceAccount | null = null,
    gate?: RequestGate,
  ): Promise<StepOutcome> {
    const adapters = this.adapters(account);
    return this.through(gate, () =>
      understood(provider, () => adapters.complete(provider, capability, taskId)),
    );
  }

  private through<T>(gate: RequestGate | undefined, work: () => Promise<T>): Promise<T> {
    return gate ? this.gates.run(gate, work) : work();
  }

  /**
   * The platform account's balance, for providers with a balance endpoint; null otherwise. A read is
   * a call the provider counts: read it through BalanceReads, which takes a slot in the
   * provider's rate window first.
   */
  balance(provider: ProviderName): Promise<CreditBalance | null> {
    return this.platform.balance(provider);
  }

  /**
   * The calls the provider's adapter on this account will make of its own before the next call (a
   * token fetch), each counted by the provider like any call: a slot is taken for each.
   */
  callsBeforeNext(provider: ProviderName, account: WorkspaceAccount | null = null): number {
    try {
      return this.adapters(account).callsBeforeNext(provider);
    } catch {
      // Adapters that cannot be built make no call: the call itself then fails, saying why.
      return 0;
    }
  }

  /**
   * Whether the provider is given a callback URL for the work it starts (WEBHOOK_PUBLIC_URL is set
   * and it takes one): its callback then wakes the waiting step, and polls only catch a lost one.
   */
  callsBack(provider: ProviderName): boolean {
    return this.platform.callsBack.has(provider);
  }

  /** How long one HTTP call to the provider may take (see `timeoutOf`). */
  timeoutOf(provider: ProviderName): number {
    return timeoutOf(this.config, provider);
  }

  /** Whether the provider has a balance endpoint on the platform's account. */
  hasBalance(provider: ProviderName): boolean {
    return this.platform.hasBalance(provider);
  }

  private adapters(account: WorkspaceAccount | null): AdapterSet {
    if (!account) {
      return this.platform;
    }
    const key = `${account.workspaceId}:${account.provider}:${account.version}`;
    let set = this.workspaceSets.get(key);
    if (!set) {
      const config = withWorkspaceCredentials(this.config, account.provider, account.values);
      set = new AdapterSet(config, this.callLog, this.tokens, this.beforeRequest);
      this.workspaceSets.set(key, set);
      if (this.workspaceSets.size > WORKSPACE_ADAPTER_SETS) {
        const oldest = this.workspaceSets.keys().next().value;
        if (oldest !== undefined) {
          this.workspaceSets.delete(oldest);
        }
      }
    }
    return set;
  }
}
