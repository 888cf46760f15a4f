import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig, CoreConfig } from '@sluice/config';
import { lockErasureRun, lockForErasure } from '@sluice/db';
import { SecretBox } from '@sluice/platform';
import {
  foldText,
  normalizeDomain,
  normalizeIdentifier,
  suppressionHash,
  type SuppressionIdentifierKind,
} from '@sluice/enrichment';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { DurableIdempotencyAnswers } from '../auth/durable-idempotency-answers';
import { idempotencyKeyPrefix, keptAnswerText, replayableText } from '../auth/idempotency-store';
import { erasureMarkKey } from './erasure-mark';

/**
 * What an erasure removed: rows per table, Redis cache entries, the answers kept for Idempotency-Key
 * replays in PostgreSQL, and the suppressions recorded.
 */
export interface ErasureReport {
  erased: Record<string, number>;
  suppressed: { kind: SuppressionIdentifierKind }[];
}

/** A person's normalised identifiers by kind: the one an erasure was asked by and those found beside it. */
export type ErasureIdentifiers = Map<SuppressionIdentifierKind, Set<string>>;

/** How an erasure in progress is followed and stopped. */
export interface ErasureOptions {
  /** Aborted to stop the deletions between two statements (they roll back together). */
  signal?: AbortSignal;
  /**
   * Told the PostgreSQL backend running the deletions and when their transaction began, so that
   * its statement can be cancelled while that transaction lasts.
   */
  onConnection?: (backend: { pid: number; started: string }) => void;
  /**
   * The erasure's record (`erasures`): what Redis holds of the steps deleted is kept on it until
   * removed, and what earlier erasures of the workspace could not remove is removed with it.
   */
  erasureId?: string;
}

/** What Redis holds of the steps an erasure deleted: their cache keys and ids (ErasureRecord). */
interface PendingCache {
  cache_keys: string[];
  step_ids: string[];
}

/** SQL: `expr` mentions one of the needles ($2) as a whole identifier (their patterns: $3). */
const mentions = (expr: string): string =>
  `EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS n(needle, pattern)
            WHERE strpos(lower(${expr}::text), n.needle) > 0 AND lower(${expr}::text) ~ n.pattern)`;

/**
 * Tables searched for the person, in deletion order (children first), with which rows of them
 * belong to the workspace. A row is erased when its whole text form (`t::text`: every column,
 * jsonb payloads included) contains one of the person's identifiers. Shared stores (the company
 * register's officers and companies, unattributed webhook events) are searched whatever the
 * workspace, since they hold people for every workspace.
 */
/** SQL, in `alsoIf`: the row belongs to one of the steps erased ($4). */
const OF_ERASED_STEPS = 't.step_id = ANY($4::uuid[])';

/** SQL, in `alsoIf`: the row belongs to a request that asked for the person by name at their company ($5). */
const OF_ASKED_BY_NAME = 't.request_id = ANY($5::uuid[])';

const TABLES: { table: string; scope: string; alsoIf?: string }[] = [
  // A batch record goes with its request (its foreign key has no cascade): a record naming the
  // person only by name, whose job's result names them, would otherwise keep the request.
  {
    table: 'batch_records',
    scope: 't.workspace_id = $1',
    alsoIf: `${OF_ASKED_BY_NAME} OR EXISTS (SELECT 1 FROM enrichment_requests r
                      WHERE r.id = t.request_id AND r.workspace_id = $1 AND ${mentions('r')})`,
  },
  // The steps of a request mentioning the person go with it; deleted here rather than by the
  // request's cascade, in the one pass over the steps that also tells their cache keys and ids.
  {
    table: 'enrichment_steps',
    scope: 't.workspace_id = $1',
    alsoIf: `${OF_ASKED_BY_NAME} OR EXISTS (SELECT 1 FROM enrichment_requests r
                      WHERE r.id = t.request_id AND r.workspace_id = $1 AND ${mentions('r')})`,
  },
  // A request that asked for the person by name at their company goes too, though neither its
  // question nor its answer names their e-mail or profile: a number found for them, say.
  { table: 'enrichment_requests', scope: 't.workspace_id = $1', alsoIf: 't.id = ANY($5::uuid[])' },
  { table: 'callback_deliveries', scope: 't.workspace_id = $1' },
  { table: 'provider_calls', scope: '(t.workspace_id = $1 OR t.workspace_id IS NULL)' },
  // A provider's callback for a step erased goes with it, though its body names nobody by e-mail
  // or profile (an Apollo phone reveal carries only Apollo's id and the numbers found). The call
  // log's rows of such a step stay: they hold no answer, only how the call went and its charge.
  {
    table: 'webhook_events',
    scope: '(t.workspace_id = $1 OR t.workspace_id IS NULL)',
    alsoIf: OF_ERASED_STEPS,
  },
  { table: 'person_phones', scope: 't.workspace_id = $1' },
  { table: 'person_profiles', scope: 't.workspace_id = $1' },
  { table: 'email_verifications', scope: 't.workspace_id = $1' },
  { table: 'officer_emails', scope: 't.workspace_id = $1' },
  { table: 'persons', scope: 't.workspace_id = $1' },
  { table: 'company_officers', scope: '$1::uuid IS NOT NULL' },
  { table: 'companies', scope: '$1::uuid IS NOT NULL' },
];

/**
 * How long one statement of the search may run: each reads all of a table the workspace keeps
 * (a minute for three million steps), far past the pool's 15 s `query_timeout`, which would answer
 * 503 while the statement goes on. The search holds no lock anyone else waits for (see `erase`).
 */
const SEARCH_TIMEOUT_MS = 15 * 60_000;

/** A statement of the search, with its own timeout (pg reads `query_timeout` from the config). */
/** A row `deleteMentions` deleted: its id and cache key; of a step, also what `keepErasedTasks` reads. */
interface DeletedRow {
  id: string;
  cache_key: string | null;
  request_id?: string;
  provider?: string;
  goal?: string;
  operation?: string;
  state?: string;
  credits?: string;
  provider_task_id?: string | null;
  provider_task_account?: string | null;
  deadline_at?: Date | null;
}

const searching = (text: string): string =>
  // TypeORM types the query as a string and hands it to pg unchanged (as queryPrepared does).
  ({ text, query_timeout: SEARCH_TIMEOUT_MS }) as unknown as string;

/**
 * How many times the deletions run when PostgreSQL ends them to break a deadlock: each time the
 * transactions it waited on have gone on, and the person's rows are fewer, never more (nothing
 * naming them is stored after the suppression).
 */
const DEADLOCK_ATTEMPTS = 5;

/** Whether PostgreSQL ended the statement to break a deadlock (SQLSTATE 40P01). */
const isDeadlock = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01';

/**
 * A statement with only the parameters it uses, numbered from `$1` on: PostgreSQL refuses a value
 * it has no place for, and one it cannot type (a `$4` that only `$5` follows).
 */
function onlyUsedParameters(text: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const used = [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const renumbered = new Map(used.map((n, i) => [n, i + 1]));
  return {
    text: text.replace(/\$(\d+)/g, (_, n: string) => `$${renumbered.get(Number(n))}`),
    values: used.map((n) => params[n - 1]),
  };
}

export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern matching `needle` only as a whole identifier (PostgreSQL and JavaScript regular
 * expressions read it alike): `an@x.com` must not match inside `jan@x.com`, nor
 * `linkedin.com/in/jane` inside `linkedin.com/in/jane-doe`. Hand-written: no library matches
 * identifiers inside arbitrary JSON and text.
 */
export function wholeIdentifierPattern(needle: string): string {
  // A LinkedIn URL's core may follow any host prefix (`www.`, `uk.`, `//`); an e-mail address
  // starts at a character no address may hold.
  const before = needle.startsWith('linkedin.com/') ? '' : '(?<![a-z0-9._%+-])';
  return `${before}${escapeRegex(needle)}(?![a-z0-9_%+-]|\\.[a-z0-9])`;
}

/** Whether a text (a cached or kept answer) mentions one of the needles as a whole identifier. */
function namingAny(needles: Set<string>): (text: string | null | undefined) => boolean {
  const patterns = [...needles].map((needle) => new RegExp(wholeIdentifierPattern(needle)));
  return (text) => {
    const lower = text?.toLowerCase();
    return !!lower && patterns.some((pattern) => pattern.test(lower));
  };
}

/**
 * Erases one person from a workspace (`DELETE /v1/persons`): every row of the workspace's data and
 * of the shared stores that mentions them, the pipeline's cached provider answers about them, and
 * records the suppression so they are never enriched again. The suppression commits first, then
 * the deletions, together or not at all (see `suppress`). ErasureRuns runs it for the API.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  /** Opens the answers kept for Idempotency-Key replays, sealed when SLUICE_ENCRYPTION_KEY is set. */
  private readonly box: SecretBox | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
    private readonly durableAnswers: DurableIdempotencyAnswers,
    private readonly core: CoreConfig,
    callbacks: CallbackConfig,
  ) {
    this.box = SecretBox.fromSetting(callbacks.encryptionKey);
  }

  /**
   * Erases the person at once (`suppress`, then `eraseSuppressed`): the suppression commits first,
   * then the deletions, together or not at all.
   */
  async erase(
    workspaceId: string,
    kind: SuppressionIdentifierKind,
    normalised: string,
    options: ErasureOptions = {},
  ): Promise<ErasureReport> {
    const identifiers = await this.dataSource.transaction((manager) =>
      this.suppress(manager, workspaceId, kind, normalised),
    );
    return this.eraseSuppressed(workspaceId, kind, identifiers, options);
  }

  /**
   * Records the person's suppression in `manager`'s transaction (which the caller commits before
   * anything else of the erasure runs); answers the person's identifiers, for `eraseSuppressed`.
   */
  async suppress(
    manager: EntityManager,
    workspaceId: string,
    kind: SuppressionIdentifierKind,
    normalised: string,
  ): Promise<ErasureIdentifiers> {
    const identifiers: ErasureIdentifiers = new Map([
      ['email', new Set()],
      ['linkedin_url', new Set()],
    ]);
    identifiers.get(kind)?.add(normalised);
    // The suppression, under the workspace's erasure lock held exclusively: settlements
    // storing an answer about a person check the suppressions under this lock, held shared, so one
    // that checked before this commits has committed before it gets the lock, and one that checks
    // after finds the suppression and stores nothing. From then on nothing naming the person is
    // stored again, and all that was is committed: the search (`eraseSuppressed`), which reads every
    // row the workspace keeps (minutes on a long history), needs no such lock, and each of its
    // statements reads what committed before it began. Held through the search, the lock made every
    // settlement of the workspace that names a person wait for all of it. The suppression commits
    // first: when the deletions fail (all of them roll back together) the erasure fails and a repeat
    // finishes it, finding the person's other identifiers again in their rows, which are still there.
    await lockForErasure(manager, workspaceId);
    // The person's other identifiers (the LinkedIn URL of an e-mail and vice versa) go too.
    const people = await manager.query<{ email: string | null; linkedin_url: string | null }[]>(
      `SELECT email, linkedin_url FROM persons WHERE workspace_id = $1 AND (lower(email) = $2 OR lower(linkedin_url) = $2)`,
      [workspaceId, normalised],
    );
    for (const person of people) {
      for (const k of ['email', 'linkedin_url'] as const) {
        const value = person[k] ? normalizeIdentifier(k, person[k]) : null;
        if (value) {
          identifiers.get(k)?.add(value);
        }
      }
    }
    for (const [k, values] of identifiers) {
      for (const value of values) {
        await manager.query(
          `INSERT INTO suppressions (workspace_id, kind, identifier_hash) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, kind, identifier_hash) DO NOTHING`,
          [workspaceId, k, suppressionHash(value)],
        );
      }
    }
    return identifiers;
  }

  /**
   * Deletes everything of the workspace naming a person whose suppression `suppress` committed:
   * their rows, in one transaction taken under the workspace's erasure run lock (one erasure of a
   * workspace deletes at a time), then the answers kept for Idempotency-Key replays and the Redis
   * caches naming them.
   */
  async eraseSuppressed(
    workspaceId: string,
    kind: SuppressionIdentifierKind,
    identifiers: ErasureIdentifiers,
    options: ErasureOptions = {},
  ): Promise<ErasureReport> {
    options.signal?.throwIfAborted();
    let erased: Record<string, number> = {};
    const cacheKeys = new Set<string>();
    const stepIds = new Set<string>();
    const needles = new Set<string>();
    for (const [k, values] of identifiers) {
      for (const value of values) {
        // A LinkedIn URL is stored in many spellings: search by its `linkedin.com/in/<slug>` core.
        needles.add(k === 'linkedin_url' ? value.replace(/^https:\/\/www\./, '') : value);
      }
    }
    const needleList = [...needles];
    /** The erasures whose Redis entries this one removes (its own, and those earlier ones left). */
    const owing: string[] = [];
    const patterns = needleList.map(wholeIdentifierPattern);
    const deletions = async (manager: EntityManager): Promise<void> => {
      // now() is the transaction's start: the backend is told with it, so that a cancel finds this
      // transaction and never a later one of the pooled connection.
      const [backend] = await manager.query<{ pid: number; started: string }[]>(
        'SELECT pg_backend_pid() AS pid, now()::text AS started',
      );
      options.onConnection?.(backend);
      // Another erasure of the workspace deleting now would lock rows this one deletes, and this one
      // rows it deletes (a row naming both persons, seen in another order): the second waits here.
      await lockErasureRun(manager, workspaceId, SEARCH_TIMEOUT_MS);
      const askedByName = await this.requestsAskingByName(manager, workspaceId, needleList, patterns);
      for (const { table, scope, alsoIf } of TABLES) {
        // A shutdown that cannot wait for the end stops between statements (and cancels the one
        // running): the deletions roll back together, and a repeat of the erasure finishes it.
        options.signal?.throwIfAborted();
        const deleted = await this.deleteMentions(
          manager,
          table,
          scope,
          [workspaceId, needleList, patterns, [...stepIds], askedByName],
          alsoIf,
        );
        erased[table] = deleted.length;
        if (table === 'enrichment_steps') {
          for (const step of deleted) {
            if (step.cache_key) {
              cacheKeys.add(step.cache_key);
            }
            stepIds.add(step.id);
          }
          await this.keepErasedTasks(manager, deleted);
        }
      }
      // Numbers and profiles are stored under the question they answered (the step's cache key),
      // which names nobody: those found by the steps erased go with them, as their cached answers
      // do. The worker serves them to later questions.
      if (cacheKeys.size > 0) {
        for (const table of ['person_phones', 'person_profiles', 'email_verifications']) {
          const [, affected] = await manager.query<[unknown, number]>(
            `DELETE FROM ${table} WHERE workspace_id = $1 AND subject_key = ANY($2::text[])`,
            [workspaceId, [...cacheKeys]],
          );
          erased[table] = (erased[table] ?? 0) + affected;
        }
      }
      erased.imports = await this.scrubImportErrors(manager, [workspaceId, needleList, patterns]);
      if (options.erasureId !== undefined) {
        await this.keepPendingCache(manager, workspaceId, options.erasureId, cacheKeys, stepIds, owing);
      }
    };
    // A step settling meanwhile locks its request, then its step; these deletions lock the steps
    // first, then the requests. PostgreSQL ends one of two such transactions waiting on each other
    // (`deadlock detected`): when it ends the deletions, they rolled back together and run again.
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      erased = {};
      cacheKeys.clear();
      stepIds.clear();
      owing.length = 0;
      try {
        await this.dataSource.transaction(deletions);
        break;
      } catch (error) {
        if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) {
          throw error;
        }
        this.logger.warn({
          msg: 'erasure deletions deadlocked with another transaction; running them again',
          workspaceId,
          attempt,
        });
      }
    }
    const naming = namingAny(needles);
    // A new erasure mark first: nothing read before it is kept in Redis after it (see eraseCache).
    const redis = (await this.queue.client) as unknown as Redis;
    await redis.set(erasureMarkKey(this.core.queuePrefix, workspaceId), randomUUID());
    // PostgreSQL's copies of the answers kept for Idempotency-Key replays (a retry after Redis lost
    // its data replays them), read as a replay would give them. After the new mark: a request that
    // kept its answer in Redis before the mark changed had written this copy before, which is found;
    // one that tries after is refused by Redis and deletes its copy itself (IdempotencyInterceptor).
    // Before Redis is searched: a retry that finds a copy here before it goes can only put it back
    // into Redis under the old mark (refused) or before the search below (which finds it).
    erased.idempotency_answers = await this.durableAnswers.eraseNaming(workspaceId, (kept) =>
      naming(keptAnswerText(kept, this.box)),
    );
    erased.redis_cache_entries = await this.eraseCache(redis, workspaceId, naming, cacheKeys, stepIds);
    if (owing.length > 0) {
      await this.dataSource.query(
        `UPDATE erasures SET pending_cache = NULL WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
        [workspaceId, owing],
      );
    }
    const suppressed = [...identifiers].flatMap(([k, values]) => [...values].map(() => ({ kind: k })));
    this.logger.log({ msg: 'person erased', workspaceId, kind, erased });
    return { erased, suppressed };
  }

  /**
   * In the deletions' transaction: records on the erasure what Redis holds of the steps deleted
   * (their cache keys and ids), and adds to them what earlier erasures of the workspace recorded and
   * did not remove (their deletions committed, then Redis refused them or their gateway stopped).
   * Those entries need not name the person — a phone number, a profile under the question's key —
   * so once the steps are gone only this record leads to them. Cleared once they are removed.
   */
  private async keepPendingCache(
    manager: EntityManager,
    workspaceId: string,
    erasureId: string,
    cacheKeys: Set<string>,
    stepIds: Set<string>,
    owing: string[],
  ): Promise<void> {
    if (cacheKeys.size > 0 || stepIds.size > 0) {
      const pending: PendingCache = { cache_keys: [...cacheKeys], step_ids: [...stepIds] };
      await manager.query(`UPDATE erasures SET pending_cache = $3 WHERE id = $1 AND workspace_id = $2`, [
        erasureId,
        workspaceId,
        JSON.stringify(pending),
      ]);
      owing.push(erasureId);
    }
    const earlier = await manager.query<{ id: string; pending_cache: PendingCache }[]>(
      `SELECT id, pending_cache FROM erasures
        WHERE workspace_id = $1 AND pending_cache IS NOT NULL AND id <> $2`,
      [workspaceId, erasureId],
    );
    for (const { id, pending_cache: pending } of earlier) {
      pending.cache_keys.forEach((key) => cacheKeys.add(key));
      pending.step_ids.forEach((stepId) => stepIds.add(stepId));
      owing.push(id);
    }
  }

  /**
   * Keeps what is needed to collect the charge of the asynchronous provider work the erased steps
   * had started and not been charged for (pending, or skipped by a cancellation while it ran): the
   * provider charges for it when it finishes, step or not, and the worker records that charge in
   * the credit ledger (see ErasedTask). Ids, the provider's task and the goal: nothing about the
   * person. Their requests are still there (deleted next, in this transaction): their tiers are read.
   */
  private async keepErasedTasks(manager: EntityManager, deleted: readonly DeletedRow[]): Promise<void> {
    const working = deleted.filter(
      (step) =>
        typeof step.provider_task_id === 'string' &&
        Number(step.credits) === 0 &&
        (step.state === 'pending' || step.state === 'skipped'),
    );
    for (const step of working) {
      await manager.query(
        `INSERT INTO erased_tasks (step_id, workspace_id, request_id, provider, goal, operation, tier,
                                   provider_task_id, provider_task_account, deadline_at)
         SELECT $1, r.workspace_id, r.id, $3, $4, $5, r.tier, $6, $7, $8
           FROM enrichment_requests r WHERE r.id = $2
         ON CONFLICT (step_id) DO NOTHING`,
        [
          step.id,
          step.request_id,
          step.provider,
          step.goal,
          step.operation,
          step.provider_task_id,
          step.provider_task_account,
          step.deadline_at,
        ],
      );
    }
  }

  /** Deletes the table's rows in scope that mention the person (or `alsoIf`); of steps, what `keepErasedTasks` reads. */
  private async deleteMentions(
    manager: EntityManager,
    table: string,
    scope: string,
    params: [string, string[], string[], string[], string[]],
    alsoIf?: string,
  ): Promise<DeletedRow[]> {
    // One statement, one pass over the table: a person's rows are few, and their row locks are held
    // until the transaction commits whatever the statement's size. A row another transaction
    // updates meanwhile is judged again by this condition on its new version (READ COMMITTED).
    const returning =
      table === 'enrichment_steps'
        ? `t.id, t.cache_key, t.request_id, t.provider, t.goal, t.operation, t.state, t.credits,
           t.provider_task_id, t.provider_task_account, t.deadline_at`
        : 'NULL AS id, NULL AS cache_key';
    const { text, values } = onlyUsedParameters(
      `DELETE FROM ${table} t WHERE ${scope}
         AND (${mentions('t')}${alsoIf ? ` OR ${alsoIf}` : ''})
       RETURNING ${returning}`,
      params,
    );
    const [rows] = await manager.query<[DeletedRow[], number]>(searching(text), values);
    return rows;
  }

  /**
   * The workspace's requests that asked for the person by name at their company (`first_name` and
   * `last_name`, or `full_name`, with a `domain`), their name and company read from the person's
   * rows. Such a question names neither their e-mail nor their profile, nor need its answer (a
   * phone number found for them): matched by identifier alone, it stayed, with what it found, and
   * its cached answer was served to the next such question. The name is compared as the cache key
   * folds it (NFKC, spaces collapsed, lower case) and the domain by its registrable part, so every
   * spelling of the one question is found; a namesake at the same company is asked for by the same
   * question, which the providers answer alike.
   */
  private async requestsAskingByName(
    manager: EntityManager,
    workspaceId: string,
    needles: string[],
    patterns: string[],
  ): Promise<string[]> {
    const people = await manager.query<
      { full_name: string; company_domain: string | null; email: string | null }[]
    >(
      searching(`SELECT t.full_name, t.company_domain, t.email FROM persons t
                  WHERE t.workspace_id = $1 AND t.full_name IS NOT NULL
                    AND ${mentions("concat_ws(' ', t.email, t.linkedin_url)")}`),
      [workspaceId, needles, patterns],
    );
    const domainsByName = new Map<string, Set<string>>();
    for (const person of people) {
      const name = foldText(person.full_name);
      const domains = domainsByName.get(name) ?? new Set<string>();
      for (const candidate of [person.company_domain, person.email]) {
        const domain = candidate ? normalizeDomain(candidate) : null;
        if (domain) {
          domains.add(domain);
        }
      }
      if (name !== '' && domains.size > 0) {
        domainsByName.set(name, domains);
      }
    }
    const domains = [...new Set([...domainsByName.values()].flatMap((set) => [...set]))];
    if (domains.length === 0) {
      return [];
    }
    // The requests at those companies (a request's domain is stored registrable, as the gateway
    // read it), their names folded here as the cache key folds them: PostgreSQL's lower() follows
    // the database's collation (under `C`, `É` stays `É`) and differs from JavaScript's on some
    // letters (`İ`), so names folded by each would not meet.
    const asked = await manager.query<{ id: string; name: string; domain: string }[]>(
      searching(`SELECT t.id, t.input->>'domain' AS domain,
                        COALESCE(NULLIF(t.input->>'full_name', ''),
                                 concat_ws(' ', t.input->>'first_name', t.input->>'last_name')) AS name
                   FROM enrichment_requests t
                  WHERE t.workspace_id = $1 AND t.input->>'domain' = ANY($2::text[])
                    AND (t.input ? 'full_name' OR t.input ? 'last_name')`),
      [workspaceId, domains],
    );
    return asked
      .filter((row) => domainsByName.get(foldText(row.name))?.has(row.domain) ?? false)
      .map((row) => row.id);
  }

  /** An import keeps its counts; the row errors that quote the person are dropped from it. */
  private async scrubImportErrors(
    manager: EntityManager,
    params: [string, string[], string[]],
  ): Promise<number> {
    const [, affected] = await manager.query<[unknown, number]>(
      searching(`UPDATE imports t SET errors = COALESCE(
         (SELECT jsonb_agg(e) FROM jsonb_array_elements(t.errors) e WHERE NOT ${mentions('e')}),
         '[]'::jsonb)
        WHERE t.workspace_id = $1 AND ${mentions('t.errors')}`),
      params,
    );
    return affected;
  }

  /**
   * The pipeline's result cache of this workspace (`<prefix>:pipeline:cache:<workspace>:<key>`):
   * entries of the erased steps' cache keys, and any other entry whose answer mentions the person;
   * and the answers the erased steps paid for and had not settled yet (`<prefix>:pipeline:paid:<step>`,
   * kept for a retry that has no step left to settle). Scanned with SCAN (never KEYS) so Redis is
   * not blocked. And the workspace's real-time answers (POST /v1/enrich) with its in-flight markers,
   * after the new erasure mark (`erase` sets it before this runs): an enrich call that read its
   * answer before this erasure may be about to cache it, and the mark refuses that write (see
   * EnrichService); one that wrote it before the mark changed wrote it before the SCAN below began,
   * which finds it. And the workspace's answers kept for Idempotency-Key replays that name the
   * person.
   */
  private async eraseCache(
    redis: Redis,
    workspaceId: string,
    naming: (text: string | null | undefined) => boolean,
    cacheKeys: Set<string>,
    stepIds: Set<string>,
  ): Promise<number> {
    const base = `${this.core.queuePrefix}:pipeline:cache:${workspaceId}:`;
    const doomed = new Set([...cacheKeys].map((key) => base + key));
    for (const stepId of stepIds) {
      doomed.add(`${this.core.queuePrefix}:pipeline:paid:${stepId}`);
    }
    // The pipeline's cached answers, and the answers kept for Idempotency-Key replays (a replay of
    // POST /v1/enrich would hand the erased person's details out again for IDEMPOTENCY_TTL_S):
    // those are read as a replay would give them, opened when sealed. A retry of an erased one runs
    // again, under the suppression.
    const scans: [string, (raw: string | null) => boolean][] = [
      [`${base}*`, naming],
      [
        `${idempotencyKeyPrefix(this.core.queuePrefix, workspaceId)}*`,
        (raw) => raw !== null && naming(replayableText(raw, this.box)),
      ],
    ];
    let cursor = '0';
    for (const [pattern, doomedIf] of scans) {
      cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) {
          const values = await redis.mget(...keys);
          keys.forEach((key, i) => {
            if (doomedIf(values[i] ?? null)) {
              doomed.add(key);
            }
          });
        }
      } while (cursor !== '0');
    }
    // Real-time answers (POST /v1/enrich) are keyed by a hash of the question and need not quote
    // the identifier they were asked by: every one of the workspace's goes. They are a short-lived
    // cache of what the pipeline still knows, so the next question is answered again at no cost.
    // So do the markers of its questions in flight: a question asked again after the erasure does
    // not join a job from before it (it makes a new one, which the suppression rules apply to).
    for (const kind of ['answer', 'inflight']) {
      const pattern = `${this.core.queuePrefix}:enrich:${kind}:${workspaceId}:*`;
      cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        keys.forEach((key) => doomed.add(key));
      } while (cursor !== '0');
    }
    return doomed.size > 0 ? redis.del(...doomed) : 0;
  }
}
