import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PipelineConfig } from '@sluice/config';
import {
  CompanyDomain,
  CompanyOfficerRecord,
  CompanyRecord,
  type EnrichmentRequest,
  OfficerEmail,
  type EnrichmentStep,
  PersonRecord,
} from '@sluice/db';
import {
  acceptPhones,
  cacheKeyOf,
  emailConfidence,
  emailFields,
  GOALS,
  normalizeDomain,
  officerKeyOf,
  personConfidence,
  personFields,
  phoneKindOf,
  type FoundEmail,
  type FoundPhone,
  type Goal,
  type Person,
  canonicalCompanyName,
  distinctPhones,
} from '@sluice/enrichment';
import { type Capability, descriptorOf, type Revealed } from '@sluice/providers';
import { PROVIDER_NAMES } from '@sluice/queue';
import { DataSource, type EntityManager, In, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { companyView, firmographicsQuestion, type GoalInput, type StepOutcome } from './provider-invoker';

/**
 * What a person goal's step asks the store: the question (the identifiers its cache key is built
 * from, see `Orchestrator.cacheInput`) and, for phones, the phone type wanted.
 */
export interface StoredQuery {
  question: Record<string, unknown>;
  phoneType: 'mobile' | 'any';
}

interface StoredPhoneRow {
  number: string;
  extension: string | null;
  kind: string;
  country: string | null;
  provider: string;
}

/** The providers with `capability`: a question's answer may have been stored by any of them. */
const providersWith = (capability: Capability): readonly string[] =>
  PROVIDER_NAMES.filter((name) => descriptorOf(name)?.capabilities[capability] !== undefined);

/** The providers that find phones: a question's numbers may have been stored by any of them. */
const PHONE_PROVIDERS = providersWith('find_phone');

/**
 * The person lookups, whose questions share their identifiers (`Orchestrator.cacheInput`): each may
 * store numbers and a profile, its own answer or what it revealed with what was asked (a
 * RocketReach lookup returns the whole profile, and charges for it once).
 */
const PERSON_OPERATIONS: readonly string[] = ['person.phone', 'person.email', 'person.profile'];

/**
 * Answers kept whole, by question (the lookup's cache key, which names the provider and the
 * operation): the newest per question. `view` is the step output's field holding the answer (null:
 * the answer is the output); `providers` those that may have answered, `operations` the lookups
 * whose keys it may be under.
 */
const KEPT_ANSWERS = {
  profile: {
    table: 'person_profiles',
    column: 'profile',
    view: 'person',
    providers: providersWith('lookup_person'),
    // A profile lookup's own answer, or the profile an e-mail or phone lookup of the same person
    // returned and charged for (`writeRevealed`).
    operations: PERSON_OPERATIONS,
  },
  firmographics: {
    table: 'company_firmographics',
    column: 'firmographics',
    view: 'company',
    // A company lookup's answer, or the company a person lookup returned with the person (Apollo's
    // match gives the organization; see `writeRevealed`).
    providers: [...new Set([...providersWith('lookup_company'), ...providersWith('lookup_person')])],
    operations: [GOALS.firmographics.operation],
  },
  verify: {
    table: 'email_verifications',
    column: 'verification',
    view: null,
    // A verification of the address, whichever request asked for it (`email.verify`, a finder's
    // address with `options.verify`, an officer's in the chain): the question is the address.
    providers: providersWith('verify_email'),
    operations: [GOALS.verify.operation],
  },
} as const;
type KeptGoal = keyof typeof KEPT_ANSWERS;

const isKept = (goal: string): goal is KeptGoal => Object.hasOwn(KEPT_ANSWERS, goal);

/**
 * A question's newest kept answer (served by the table's unique index on workspace and subject).
 * The names put into the SQL are the constants above, never input.
 */
const keptAnswerSql = ({ table, column }: (typeof KEPT_ANSWERS)[KeptGoal]): string =>
  `SELECT ${column} AS answer, provider FROM ${table}
    WHERE workspace_id = $1 AND subject_key = ANY($2::text[]) AND fetched_at > $3
    ORDER BY fetched_at DESC
    LIMIT 1`;

/** An answer kept: the newest per question. */
const keepAnswerSql = ({ table, column }: (typeof KEPT_ANSWERS)[KeptGoal]): string =>
  `INSERT INTO ${table} (workspace_id, subject_key, provider, ${column}, fetched_at)
   VALUES ($1, $2, $3, $4::jsonb, now())
   ON CONFLICT (workspace_id, subject_key)
   DO UPDATE SET provider = EXCLUDED.provider, ${column} = EXCLUDED.${column}, fetched_at = now()`;

/** A question's stored numbers, newest fetch first (served by `uq_person_phones_workspace_subject_number`). */
const STORED_PHONES_SQL = `SELECT number, extension, kind, country, provider
    FROM person_phones
   WHERE workspace_id = $1 AND subject_key = ANY($2::text[]) AND fetched_at > $3
   ORDER BY fetched_at DESC, number`;

/** Who a stored person is: the identifiers and name an answer gave. */
interface PersonIdentity {
  email: string | null;
  linkedinUrl: string | null;
  fullName: string | null;
  companyDomain: string | null;
  /** The company named without a domain where the person was asked (`companyKeyOf`), if any. */
  companyKey: string | null;
}

/**
 * The parameters of a persons INSERT: ($1 workspace, $2 e-mail, $3 LinkedIn URL, $4 name, $5 domain,
 * $6 data, $7 sources, $8 company key, $9 confidence).
 */
function personRow(
  workspaceId: string,
  person: PersonIdentity,
  fields: Record<string, unknown>,
  sources: Record<string, string>,
  confidence: Record<string, number>,
): unknown[] {
  return [
    workspaceId,
    person.email,
    person.linkedinUrl,
    person.fullName,
    person.companyDomain,
    JSON.stringify(fields),
    JSON.stringify(sources),
    person.companyKey,
    JSON.stringify(confidence),
  ];
}

/**
 * The confidence a person's fields have once `fields` (an answer's, with `confidence` the provider
 * gave them) is merged over what was known (`known`): every field the answer gives takes the
 * answer's confidence, or none when it gave none, so that an older provider's confidence never
 * stays with a newer provider's value.
 */
function confidenceAfter(
  known: Record<string, number>,
  fields: Record<string, unknown>,
  confidence: Record<string, number>,
): Record<string, number> {
  const kept = Object.fromEntries(Object.entries(known).filter(([field]) => !Object.hasOwn(fields, field)));
  return { ...kept, ...confidence };
}

/** The confidence of an answer's known fields only (a field it does not give has no confidence to keep). */
function confidenceOf(
  fields: Record<string, unknown>,
  confidence: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(confidence).filter(
      ([field, value]) => Object.hasOwn(fields, field) && typeof value === 'number' && Number.isFinite(value),
    ),
  );
}

/** The company key a person question names its company by, when it names one by name. */
const askedCompanyKey = (companyName: string | undefined): string | null =>
  companyName?.trim() ? companyKeyOf(null, companyName) : null;

/**
 * PostgreSQL as the long-term store of what providers answered: company profiles, officers and
 * domains, persons and their phones. Written in the transaction that settles the step; read as a
 * cache that outlives Redis for answers younger than STORE_FRESH_DAYS.
 */
@Injectable()
export class StoredResults {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: PipelineConfig,
  ) {}

  /**
   * A fresh stored answer for the goal, when the store has one: younger than STORE_FRESH_DAYS, and
   * fetched at or after `notBefore` (epoch ms, the request's max_age_days) when that is later.
   */
  async fresh(
    workspaceId: string,
    goal: Goal,
    input: GoalInput,
    notBefore: number | null = null,
    query?: StoredQuery,
  ): Promise<StepOutcome | null> {
    if (this.config.storeFreshDays === 0) {
      return null;
    }
    const since = new Date(
      Math.max(Date.now() - this.config.storeFreshDays * 24 * 3600 * 1000, notBefore ?? -Infinity),
    );
    if (goal.key === 'company' && input.companyNumber) {
      const company = await this.dataSource
        .getRepository(CompanyRecord)
        .findOneBy({ companyNumber: input.companyNumber, fetchedAt: MoreThan(since) });
      if (company) {
        return {
          status: 'hit',
          credits: 0,
          // The register's columns are the canonical company's fields: one view for both. Marked as
          // read from the store, so that settling the step does not store it again as a new fetch.
          output: { ...companyView(company), found_by: company.source },
        };
      }
    }
    if (goal.key === 'domain' && input.companyName) {
      const row = await this.dataSource.getRepository(CompanyDomain).findOne({
        where: {
          workspaceId,
          companyKey: In(companyKeysOf(input.companyNumber, input.companyName)),
          fetchedAt: MoreThan(since),
        },
        order: { fetchedAt: 'DESC' },
      });
      if (row) {
        return {
          status: 'hit',
          credits: 0,
          // Who found it: the answer is theirs, whichever provider's step reads it here.
          output: { domain: row.domain, company_name: row.companyName, found_by: row.provider },
        };
      }
    }
    if (goal.key === 'phone' && query) {
      const found = await this.storedPhones(workspaceId, query, since);
      if (found) {
        return { status: 'hit', credits: 0, output: found };
      }
    }
    if (isKept(goal.key) && query) {
      // The newest answer any provider gave for the same question, as that provider's answer.
      const kept = KEPT_ANSWERS[goal.key];
      const subjects = kept.providers.flatMap((provider) =>
        kept.operations.map((operation) => cacheKeyOf(provider, operation, query.question)),
      );
      const [row] = await this.dataSource.query<{ answer: Record<string, unknown>; provider: string }[]>(
        keptAnswerSql(kept),
        [workspaceId, subjects, since],
      );
      if (row) {
        const answer = kept.view === null ? row.answer : { [kept.view]: row.answer };
        return { status: 'hit', credits: 0, output: { ...answer, found_by: row.provider } };
      }
    }
    if (goal.key === 'email') {
      const person = await this.storedPerson(workspaceId, input, since);
      const email = person?.data.business_email;
      if (typeof email === 'string') {
        const verdict = person?.data.email_status;
        // The confidence the provider that found it gave it, as its own answer had.
        const confidence = person?.confidence?.business_email;
        return {
          status: 'hit',
          credits: 0,
          output: {
            email,
            kind: 'work',
            verdict: typeof verdict === 'string' ? verdict : null,
            confidence: typeof confidence === 'number' ? confidence : null,
            // Who found it first: the answer is theirs, whichever provider's step reads it here.
            found_by: person?.sources.business_email ?? null,
          },
        };
      }
    }
    return null;
  }

  /**
   * The numbers stored for the same question (the same normalised identifiers) from whichever phone
   * provider answered it last, as that provider's answer: only those the goal's `phone_type`
   * accepts, and nothing when none is (a provider not yet asked may have the mobile number). The
   * answer may be a phone lookup's, or numbers an e-mail or profile lookup of the same person
   * revealed and was paid for.
   */
  private async storedPhones(
    workspaceId: string,
    query: StoredQuery,
    since: Date,
  ): Promise<Record<string, unknown> | null> {
    // Numbers are stored under the cache key of the step that found them: the question's, at its
    // provider, for its operation. Person questions share their identifiers across operations
    // (`Orchestrator.cacheInput`), so the phone question's identifiers name those steps' keys too.
    const subjects = PHONE_PROVIDERS.flatMap((provider) =>
      PERSON_OPERATIONS.map((operation) => cacheKeyOf(provider, operation, query.question)),
    );
    const rows: StoredPhoneRow[] = await this.dataSource.query(STORED_PHONES_SQL, [
      workspaceId,
      subjects,
      since,
    ]);
    const latest = rows[0]?.provider;
    if (!latest) {
      return null;
    }
    const found: FoundPhone[] = rows
      .filter((row) => row.provider === latest)
      .map((row) => ({
        number: row.number,
        extension: row.extension,
        kind: row.kind as FoundPhone['kind'],
        country: row.country,
      }));
    const { accepted } = acceptPhones(found, query.phoneType);
    return accepted.length > 0 ? { phones: accepted, found_by: latest } : null;
  }

  /**
   * The stored person a person query names: by LinkedIn URL, else by name at a domain, else by name
   * at a company named without its domain (the identifiers the e-mail goal stores them under). Case
   * is ignored in names; company names are compared as the cache compares them (`companyKeyOf`).
   */
  private async storedPerson(
    workspaceId: string,
    input: GoalInput,
    since: Date,
  ): Promise<PersonRecord | null> {
    const query = input.person;
    const repository = this.dataSource.getRepository(PersonRecord);
    if (query.linkedinUrl) {
      return repository.findOneBy({
        workspaceId,
        linkedinUrl: query.linkedinUrl,
        fetchedAt: MoreThan(since),
      });
    }
    const name = query.fullName ?? [query.firstName, query.lastName].filter(Boolean).join(' ');
    const companyKeys = query.companyName?.trim() ? companyKeysOf(null, query.companyName) : [];
    if (!name || (!query.domain && companyKeys.length === 0)) {
      return null;
    }
    return repository
      .createQueryBuilder('p')
      .where(
        query.domain
          ? 'p.workspace_id = :workspaceId AND p.company_domain = :domain'
          : 'p.workspace_id = :workspaceId AND p.company_key IN (:...companyKeys)',
        { workspaceId, domain: query.domain, companyKeys },
      )
      .andWhere('lower(p.full_name) = lower(:name) AND p.fetched_at > :since', { name, since })
      .orderBy('p.fetched_at', 'DESC')
      .getOne();
  }

  async write(
    manager: EntityManager,
    request: EnrichmentRequest,
    step: EnrichmentStep,
    output: Record<string, unknown>,
    goal?: Goal,
    reused = false,
  ): Promise<void> {
    const workspaceId = request.workspaceId;
    const input = request.input as Record<string, string | undefined>;
    if (goal?.officer) {
      return this.writeOfficerAnswer(manager, request, step, output, goal, reused);
    }
    switch (step.goal) {
      case 'company':
        await this.upsertCompany(manager, output);
        return;
      case 'officers': {
        const officers = (output.officers as Record<string, unknown>[]) ?? [];
        if (officers.length === 0 || !input.company_number) {
          return;
        }
        await manager
          .createQueryBuilder()
          .insert()
          .into(CompanyOfficerRecord)
          .values(
            officers.map((officer) => ({
              companyNumber: input.company_number as string,
              officerKey: officerKeyOf(officer),
              name: String(officer.name),
              role: (officer.role as string | null) ?? null,
              appointedOn: (officer.appointed_on as string | null) ?? null,
              resignedOn: (officer.resigned_on as string | null) ?? null,
              details: officer,
            })) as QueryDeepPartialEntity<CompanyOfficerRecord>[],
          )
          .orUpdate(
            ['name', 'role', 'appointed_on', 'resigned_on', 'details', 'fetched_at'],
            ['company_number', 'officer_key'],
          )
          .execute();
        return;
      }
      case 'domain': {
        const domain = typeof output.domain === 'string' ? normalizeDomain(output.domain) : null;
        const companyName = input.company_name ?? (output.company_name as string | undefined) ?? null;
        if (!domain) {
          return;
        }
        await manager
          .createQueryBuilder()
          .insert()
          .into(CompanyDomain)
          .values({
            workspaceId,
            companyKey: companyKeyOf(input.company_number, companyName ?? domain),
            companyNumber: input.company_number ?? null,
            companyName,
            domain,
            provider: step.provider,
          })
          .orUpdate(['domain', 'company_name', 'provider', 'fetched_at'], ['workspace_id', 'company_key'])
          .execute();
        return;
      }
      case 'email': {
        const found = output as unknown as FoundEmail;
        await this.upsertPerson(manager, workspaceId, step.provider, {
          email: found.email,
          linkedinUrl: input.linkedin_url ?? null,
          fullName:
            input.full_name ?? ([input.first_name, input.last_name].filter(Boolean).join(' ') || null),
          // Asked without a domain (by company name, or LinkedIn URL), a work address's own domain
          // stands in: the store answers a person by name and domain (`storedPerson`), so the same
          // person asked again at that domain (the officer chain asks by the domain it resolved) is
          // answered from here instead of paid for again.
          companyDomain: input.domain ?? (found.kind === 'work' ? normalizeDomain(found.email) : null),
          // And the company's name as asked, which answers the question by company name again.
          companyKey: askedCompanyKey(input.company_name),
          fields: emailFields(found),
          confidence: emailConfidence(found),
        });
        return;
      }
      case 'profile': {
        const person = output.person as Person;
        const email = person.emails.find((e) => e.kind === 'work')?.email ?? input.email ?? null;
        await this.upsertPerson(manager, workspaceId, step.provider, {
          email,
          linkedinUrl: person.linkedinUrl ?? input.linkedin_url ?? null,
          fullName: person.fullName,
          companyDomain: person.companyDomain,
          companyKey: askedCompanyKey(input.company_name),
          fields: personFields(person),
          confidence: personConfidence(person),
        });
        await this.insertPhones(manager, workspaceId, step.provider, step.cacheKey, person.phones);
        await this.keep(manager, 'profile', workspaceId, step.provider, step.cacheKey, output.person);
        return;
      }
      case 'firmographics':
        await this.keep(manager, 'firmographics', workspaceId, step.provider, step.cacheKey, output.company);
        return;
      case 'verify':
        await this.keep(manager, 'verify', workspaceId, step.provider, step.cacheKey, output);
        return;
      case 'phone':
        await this.insertPhones(
          manager,
          workspaceId,
          step.provider,
          step.cacheKey,
          (output.phones as FoundPhone[]) ?? [],
        );
        return;
      default:
        return;
    }
  }

  /**
   * An answer kept whole under the key of the question it answers (a step's cache key), as
   * `provider`'s answer, to serve that question again (see `fresh`).
   */
  private async keep(
    manager: EntityManager,
    goal: KeptGoal,
    workspaceId: string,
    provider: string,
    subjectKey: string | null,
    answer: unknown,
  ): Promise<void> {
    if (!subjectKey || answer === null || typeof answer !== 'object') {
      return;
    }
    await manager.query(keepAnswerSql(KEPT_ANSWERS[goal]), [
      workspaceId,
      subjectKey,
      provider,
      JSON.stringify(answer),
    ]);
  }

  /**
   * What a paid answer revealed besides what its step asked (see `Revealed`), whether or not the
   * goal accepted that answer: numbers kept like a phone step's own, a profile like a profile
   * step's, a company like a firmographics step's answer.
   */
  async writeRevealed(
    manager: EntityManager,
    workspaceId: string,
    step: EnrichmentStep,
    revealed: Revealed,
  ): Promise<void> {
    await this.insertPhones(manager, workspaceId, step.provider, step.cacheKey, revealed.phones ?? []);
    // The profile under the step's own key (its question, at its provider, for its operation),
    // which the profile question's keys include, and which an erasure of the step deletes it with.
    await this.keep(manager, 'profile', workspaceId, step.provider, step.cacheKey, revealed.profile ?? null);
    // The person's company, as the provider's answer to that company's firmographics question by
    // domain: a later question about it is not bought again.
    const company = revealed.firmographics;
    if (company?.domain) {
      const question = firmographicsQuestion(company.domain);
      const key = cacheKeyOf(step.provider, GOALS.firmographics.operation, question);
      await this.keep(manager, 'firmographics', workspaceId, step.provider, key, company);
    }
  }

  /**
   * Numbers an answer gave, under its step's cache key (the question it answered, at its provider)
   * and the provider's name: what {@link storedPhones} serves to later phone questions, and what an
   * erasure deletes with the step. A number stored already for the question keeps its row, which
   * this answer renews: found again, it is as young as this answer (the store serves numbers
   * younger than STORE_FRESH_DAYS, so a number bought again but left at its first age would be
   * bought once more at the next question), with the kind this answer gives. An extension or
   * country the new answer gives replaces the stored one (the newer answer), and an answer without
   * one leaves it (a bare number does not say the extension is gone). Only paid answers come here
   * (see `StepRunner`): one read from the cache or the store is not a new fetch.
   */
  private async insertPhones(
    manager: EntityManager,
    workspaceId: string,
    provider: string,
    subjectKey: string | null,
    phones: readonly FoundPhone[],
  ): Promise<void> {
    if (phones.length === 0 || !subjectKey) {
      return;
    }
    // Once each: one INSERT cannot update a row twice (an answer read from an older step output
    // may list a number twice).
    const rows = distinctPhones(phones);
    await manager.query(
      `INSERT INTO person_phones (workspace_id, subject_key, number, extension, kind, line_type, country, provider)
       SELECT $1, $2, p.number, p.extension, p.kind, p.line_type, p.country, $3
         FROM jsonb_to_recordset($4::jsonb)
              AS p(number text, extension text, kind text, line_type text, country text)
       ON CONFLICT (workspace_id, subject_key, number)
       DO UPDATE SET extension = COALESCE(EXCLUDED.extension, person_phones.extension),
                     kind = EXCLUDED.kind,
                     line_type = EXCLUDED.line_type,
                     country = COALESCE(EXCLUDED.country, person_phones.country),
                     provider = EXCLUDED.provider,
                     fetched_at = now()`,
      [
        workspaceId,
        subjectKey,
        provider,
        JSON.stringify(
          rows.map((phone) => ({
            number: phone.number,
            extension: phone.extension,
            kind: phone.kind,
            line_type: phoneKindOf(phone.number),
            country: phone.country,
          })),
        ),
      ],
    );
  }

  /**
   * A chain's officer answer: the e-mail into `officer_emails` (and the officer as a person), a
   * verification's verdict onto the officer's e-mail.
   */
  private async writeOfficerAnswer(
    manager: EntityManager,
    request: EnrichmentRequest,
    step: EnrichmentStep,
    output: Record<string, unknown>,
    goal: Goal,
    reused: boolean,
  ): Promise<void> {
    const officer = goal.officer;
    const companyNumber = (request.input as Record<string, string | undefined>).company_number;
    if (!officer || !companyNumber || typeof output.email !== 'string') {
      return;
    }
    if (goal.key === 'verify') {
      await manager
        .getRepository(OfficerEmail)
        .update(
          { workspaceId: request.workspaceId, companyNumber, officerKey: officer.key, email: output.email },
          { verdict: typeof output.verdict === 'string' ? output.verdict : null },
        );
      if (typeof output.found_by !== 'string') {
        // The verifier's own answer (not one read from the store): kept as any verification is.
        await this.keep(manager, 'verify', request.workspaceId, step.provider, step.cacheKey, output);
      }
      return;
    }
    const link = {
      email: output.email,
      // The finder's own verdict, as the person's `email_status` keeps it; a verification's replaces it.
      verdict: typeof output.verdict === 'string' ? output.verdict : null,
      // An answer read from the store is the provider's that found it.
      provider: typeof output.found_by === 'string' ? output.found_by : step.provider,
    };
    // An answer reused from the cache or the store records the officer's address without
    // renewing its age: re-run on the same company (a batch's refresh, say), the chain would
    // otherwise keep an address young for ever, and the store would never look for it again.
    // (TypeORM's upsert always renews `fetched_at`, an update-date column: hence the statement.)
    await manager.query(
      `INSERT INTO officer_emails (workspace_id, company_number, officer_key, email, verdict, provider)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workspace_id, company_number, officer_key)
       DO UPDATE SET email = EXCLUDED.email, verdict = EXCLUDED.verdict, provider = EXCLUDED.provider${
         reused ? '' : ', fetched_at = now()'
       }`,
      [request.workspaceId, companyNumber, officer.key, link.email, link.verdict, link.provider],
    );
    if (reused) {
      // The person was stored when the address was paid for, at its age.
      return;
    }
    const domain = output.email.split('@')[1] ?? null;
    const found = output as unknown as FoundEmail;
    await this.upsertPerson(manager, request.workspaceId, link.provider, {
      email: output.email,
      linkedinUrl: null,
      fullName: `${officer.firstName} ${officer.lastName}`,
      companyDomain: domain,
      companyKey: null,
      fields: emailFields(found),
      confidence: emailConfidence(found),
    });
  }

  /** A company profile (the register's answer, or an event of its stream) into the store. */
  async upsertCompany(manager: EntityManager, output: Record<string, unknown>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(CompanyRecord)
      .values({
        companyNumber: String(output.company_number),
        name: String(output.company_name),
        status: output.company_status,
        statusDetail: output.company_status_detail,
        type: output.company_type,
        jurisdiction: output.jurisdiction,
        incorporatedOn: output.incorporated_on,
        dissolvedOn: output.dissolved_on,
        sicCodes: output.sic_codes,
        registeredAddress: output.registered_address,
        source: 'companies-house',
        raw: output,
        fetchedAt: new Date(),
      } as QueryDeepPartialEntity<CompanyRecord>)
      .orUpdate(
        [
          'name',
          'status',
          'status_detail',
          'type',
          'jurisdiction',
          'incorporated_on',
          'dissolved_on',
          'sic_codes',
          'registered_address',
          'raw',
          'fetched_at',
          'updated_at',
        ],
        ['company_number'],
      )
      .execute();
  }

  private async upsertPerson(
    manager: EntityManager,
    workspaceId: string,
    provider: string,
    person: PersonIdentity & { fields: Record<string, unknown>; confidence: Record<string, number> },
  ): Promise<void> {
    const fields = Object.fromEntries(
      Object.entries(person.fields).filter(([, value]) => value !== null && value !== undefined),
    );
    const sources = Object.fromEntries(Object.keys(fields).map((key) => [key, provider]));
    const confidence = confidenceOf(fields, person.confidence);
    const conflict = person.email ? 'email' : person.linkedinUrl ? 'linkedin_url' : null;
    if (!conflict) {
      return; // nothing to key the person by
    }
    if (person.email && person.linkedinUrl) {
      await this.upsertIdentifiedTwice(manager, workspaceId, person, fields, sources, confidence);
      return;
    }
    // jsonb `||` merges what this provider found into what other providers found before; each field
    // it found drops the confidence an earlier answer gave that field (`- $10`, see confidenceAfter).
    await manager.query(
      `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, company_domain, data, sources, company_key, confidence, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9::jsonb, now())
       ON CONFLICT (workspace_id, ${conflict}) WHERE ${conflict} IS NOT NULL
       DO UPDATE SET data = persons.data || EXCLUDED.data,
                     sources = persons.sources || EXCLUDED.sources,
                     confidence = (persons.confidence - $10::text[]) || EXCLUDED.confidence,
                     full_name = coalesce(EXCLUDED.full_name, persons.full_name),
                     company_domain = coalesce(EXCLUDED.company_domain, persons.company_domain),
                     company_key = coalesce(EXCLUDED.company_key, persons.company_key),
                     fetched_at = now(), updated_at = now()`,
      [...personRow(workspaceId, person, fields, sources, confidence), Object.keys(fields)],
    );
  }

  /**
   * A person known by both an e-mail and a LinkedIn URL. Rows keyed by either are the same person:
   * the oldest is kept with both identifiers and the others are folded into it (their fields merged
   * oldest first, then this answer on top) and deleted. Without this, a person first stored by
   * e-mail and again by LinkedIn URL stayed two people, and an answer naming both broke the unique
   * index of the one the upsert did not target.
   */
  private async upsertIdentifiedTwice(
    manager: EntityManager,
    workspaceId: string,
    person: PersonIdentity,
    fields: Record<string, unknown>,
    sources: Record<string, string>,
    confidence: Record<string, number>,
  ): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const rows = await manager.query<
        {
          id: string;
          data: Record<string, unknown>;
          sources: Record<string, string>;
          confidence: Record<string, number>;
          full_name: string | null;
          company_domain: string | null;
          company_key: string | null;
        }[]
      >(
        `SELECT id, data, sources, confidence, full_name, company_domain, company_key FROM persons
          WHERE workspace_id = $1 AND (email = $2 OR linkedin_url = $3)
          ORDER BY created_at, id
          FOR UPDATE`,
        [workspaceId, person.email, person.linkedinUrl],
      );
      const [keep, ...others] = rows;
      if (!keep) {
        // A concurrent insert of the same person makes this one do nothing; the next round merges.
        const inserted = await manager.query<unknown[]>(
          `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, company_domain, data, sources, company_key, confidence, fetched_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9::jsonb, now())
           ON CONFLICT DO NOTHING
           RETURNING id`,
          personRow(workspaceId, person, fields, sources, confidence),
        );
        if (inserted.length > 0) {
          return;
        }
        continue;
      }
      if (others.length > 0) {
        // Deleted first: the kept row takes over their identifiers.
        await manager.query(`DELETE FROM persons WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [
          workspaceId,
          others.map((row) => row.id),
        ]);
      }
      const merged = rows.reduce<Record<string, unknown>>((acc, row) => ({ ...acc, ...row.data }), {});
      const mergedSources = rows.reduce<Record<string, string>>(
        (acc, row) => ({ ...acc, ...row.sources }),
        {},
      );
      // Each field's confidence is the one of the row (or answer) whose value the merge kept.
      const mergedConfidence = rows.reduce<Record<string, number>>(
        (acc, row) => confidenceAfter(acc, row.data, row.confidence ?? {}),
        {},
      );
      const newest = [...rows].reverse();
      await manager.query(
        `UPDATE persons
            SET email = $3, linkedin_url = $4, full_name = $5, company_domain = $6,
                data = $7::jsonb, sources = $8::jsonb, company_key = $9, confidence = $10::jsonb,
                fetched_at = now(), updated_at = now()
          WHERE workspace_id = $1 AND id = $2`,
        [
          workspaceId,
          keep.id,
          person.email,
          person.linkedinUrl,
          person.fullName ?? newest.find((row) => row.full_name)?.full_name ?? null,
          person.companyDomain ?? newest.find((row) => row.company_domain)?.company_domain ?? null,
          JSON.stringify({ ...merged, ...fields }),
          JSON.stringify({ ...mergedSources, ...sources }),
          person.companyKey ?? newest.find((row) => row.company_key)?.company_key ?? null,
          JSON.stringify(confidenceAfter(mergedConfidence, fields, confidence)),
        ],
      );
      return;
    }
    throw new Error(
      `person ${person.email ?? ''} could not be stored: it kept changing under this transaction`,
    );
  }
}

/**
 * Company number when known, else the company's name in its canonical form
 * (`canonicalCompanyName`: `Acme Ltd` and `ACME LIMITED` are one key): how company_domains keys a
 * company, and persons the company they were asked at.
 */
export function companyKeyOf(companyNumber: string | undefined | null, companyName: string): string {
  return companyNumber ? `number:${companyNumber}` : `name:${canonicalCompanyName(companyName)}`;
}

/**
 * The keys a stored row of this company may have: its key, and the one rows written before names
 * were made canonical have (case and spacing folded only), read until they age out of the store.
 */
export function companyKeysOf(companyNumber: string | undefined | null, companyName: string): string[] {
  const key = companyKeyOf(companyNumber, companyName);
  const legacy = companyNumber ? key : `name:${companyName.trim().toLowerCase().replace(/\s+/g, ' ')}`;
  return legacy === key ? [key] : [key, legacy];
}
