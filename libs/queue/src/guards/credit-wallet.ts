import type { Redis } from 'ioredis';
import { hashTag, LUA_NOW_MS, LuaScript } from './redis-script';

export interface WalletSnapshot {
  /** null: unknown (never set), or unlimited. */
  balance: number | null;
  reserved: number;
  /** balance - reserved; null while the balance is unknown or unlimited. */
  available: number | null;
  /** The provider's plan has no credit limit (set by {@link CreditWallet.setBalance} with Infinity). */
  unlimited: boolean;
  /** ms epoch (Redis clock) of the last setBalance. */
  updatedAt: number | null;
}

/** The wallet's commit counter at a moment (see {@link CreditWallet.mark}); opaque to callers. */
export interface BalanceMark {
  /** Units committed, in all, when the mark was taken. */
  readonly committed: string;
  /** When the mark was taken, ms epoch on Redis's clock (the clock `updatedAt` is on). */
  readonly at: string;
}

/**
 * A refusal tells why: `balance` is what the provider has, `available` what reservations of calls
 * in flight leave of it. With `balance >= needed` the call is only waiting on those calls, which
 * settle (or expire) soon and often charge less than they reserved; with `balance < needed` the
 * provider itself cannot pay.
 */
export type ReserveResult =
  { ok: true; available: number | null } | { ok: false; available: number; balance: number; needed: number };

/**
 * Credits are kept in Redis as integer millionths. Snov balances are decimals, and sums of binary
 * floats drift (0.1 + 0.2); Redis's HINCRBY does the integer arithmetic exactly, and Lua never
 * formats a number (its tostring switches to exponents beyond 14 digits). Amounts finer than a
 * millionth are rounded; balances are exact up to about 9 billion credits.
 */
const UNITS_PER_CREDIT = 1_000_000;

/** How long a commit stays idempotent by default: longer than any job retries for. */
const COMMIT_MARKER_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export interface CreditWalletOptions {
  /**
   * How long a commit stays idempotent. Each paid call leaves one marker for this long, so under
   * steady traffic Redis holds about rate × TTL of them: keep it just above the longest a step can
   * be retried for (its attempts, backoff and stalled-job recovery).
   * @defaultValue 3 days
   */
  commitMarkerTtlMs?: number;
}

function toUnits(credits: number, what: string, { negativeAllowed }: { negativeAllowed: boolean }): number {
  const units = Math.round(credits * UNITS_PER_CREDIT);
  if (!Number.isSafeInteger(units) || (!negativeAllowed && units < 0)) {
    throw new Error(
      `${what} must be a finite${negativeAllowed ? '' : ', non-negative'} number of credits, got ${credits}`,
    );
  }
  // Math.round(-0.4) is -0; String(-0) is "0", but keep the value plain anyway.
  return units === 0 ? 0 : units;
}

function fromUnits(units: number): number {
  return units / UNITS_PER_CREDIT;
}

/*
 * Keys per provider: KEYS[1] a hash { balance (absent = unknown or unlimited), reserved, updatedAt,
 * unlimited ('1' on a plan without a credit limit, which has no balance) }, KEYS[2] a
 * hash reservationId → units, KEYS[3] a sorted set reservationId → expiry (ms, Redis TIME) and, for
 * reserve and commit, KEYS[4] the commit marker of the reservation. Every script first purges
 * expired reservations, so a crashed worker's credits come back by themselves.
 * Replies end with the wallet: { ..., balance | nil, reserved, updatedAt | nil, unlimited | nil } as
 * strings.
 */
const LUA_WALLET = `${LUA_NOW_MS}
local now = now_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, id in ipairs(expired) do
  local units = redis.call('HGET', KEYS[2], id)
  if units then
    redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. units)
    redis.call('HDEL', KEYS[2], id)
  end
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
end
local function wallet()
  local v = redis.call('HMGET', KEYS[1], 'balance', 'reserved', 'updatedAt', 'unlimited')
  return v[1], v[2] or '0', v[3], v[4]
end
local function unreserve(id)
  local units = redis.call('HGET', KEYS[2], id)
  if units then
    redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. units)
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
`;

/*
 * A reading marked before the last balance written was (updatedAt, the moment that reading was
 * answered) overlapped it, and is not known to be the newer of the two: the provider may have seen
 * it first and answered it last. Two syncs side by side, or the monitor's read beside a worker's,
 * could otherwise write an older balance over a newer one: a top-up undone (the queue paused until
 * the next reading) or a drop undone (calls sent to a provider that cannot pay). Such a reading is
 * not written (the reply's head 0); the next one is. `marked_at`: the mark's time, nil unmarked.
 */
const LUA_OVERLAPPED = `
local function overlapped(marked_at)
  local written_at = redis.call('HGET', KEYS[1], 'updatedAt')
  return marked_at ~= nil and written_at ~= false and tonumber(marked_at) < tonumber(written_at)
end
`;

/*
 * ARGV: balance units, and optionally the commit mark taken before the balance was read (the
 * 'committed' counter then, and its time). Commits that landed since the mark are charges the
 * reading may not include: they are subtracted, in the same script as the write, so none is lost
 * between the provider's answer and this write. Reply: { written 0|1, balance, reserved, updatedAt,
 * unlimited }.
 */
const SET_BALANCE = new LuaScript(`${LUA_WALLET}${LUA_OVERLAPPED}
if overlapped(ARGV[3]) then
  return { 0, wallet() }
end
redis.call('HDEL', KEYS[1], 'unlimited')
redis.call('HSET', KEYS[1], 'balance', ARGV[1], 'updatedAt', now)
if ARGV[2] then
  -- Integers below 2^53 are exact in Lua; '%d' formats them whole (a plain number could turn
  -- into an exponent).
  local since = tonumber(redis.call('HGET', KEYS[1], 'committed') or '0') - tonumber(ARGV[2])
  if since > 0 then
    redis.call('HINCRBY', KEYS[1], 'balance', string.format('-%d', since))
  end
end
return { 1, wallet() }
`);

/*
 * An unlimited plan: no balance (nothing limits, commits subtract from nothing), the marker says
 * why. ARGV: optionally the time of the mark taken before the read. Reply: { written 0|1, balance,
 * reserved, updatedAt, unlimited }.
 */
const SET_UNLIMITED = new LuaScript(`${LUA_WALLET}${LUA_OVERLAPPED}
if overlapped(ARGV[1]) then
  return { 0, wallet() }
end
redis.call('HDEL', KEYS[1], 'balance')
redis.call('HSET', KEYS[1], 'unlimited', '1', 'updatedAt', now)
return { 1, wallet() }
`);

/* Reply: { committed units, now (ms, Redis's clock) }, as strings. */
const MARK = new LuaScript(`${LUA_NOW_MS}
return { redis.call('HGET', KEYS[1], 'committed') or '0', string.format('%d', now_ms()) }
`);

/* Reply: { balance, reserved, updatedAt, unlimited }. */
const FORGET_BALANCE = new LuaScript(`${LUA_WALLET}
redis.call('HDEL', KEYS[1], 'balance', 'updatedAt', 'unlimited')
return { wallet() }
`);

/*
 * ARGV: reservationId, units, ttlMs. Reply: { ok 0|1, balance, reserved, updatedAt, unlimited } (the wallet
 * after a reservation, or as it was when refused). Units are > 0 whenever they are stored, so
 * '-' .. units above is always a valid integer.
 */
const RESERVE = new LuaScript(`${LUA_WALLET}
local id = ARGV[1]
if ARGV[2] == '0' or redis.call('EXISTS', KEYS[4]) == 1 or redis.call('HEXISTS', KEYS[2], id) == 1 then
  return { 1, wallet() }
end
local balance, reserved = wallet()
if balance and tonumber(balance) - tonumber(reserved) < tonumber(ARGV[2]) then
  return { 0, wallet() }
end
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), id)
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
return { 1, wallet() }
`);

/*
 * ARGV: reservationId, units, ttlMs. Reply: { state, balance, reserved, updatedAt, unlimited }; state 1: the
 * reservation's expiry moved to now + ttlMs; 2: it had expired (purged above) or was never made,
 * and is made again whatever the balance leaves (the work it pays for is under way: hiding it
 * would let other calls take the same credits); 0: nothing to hold (committed already, or 0 units).
 */
const RENEW = new LuaScript(`${LUA_WALLET}
local id = ARGV[1]
if redis.call('EXISTS', KEYS[4]) == 1 then
  return { 0, wallet() }
end
if redis.call('HEXISTS', KEYS[2], id) == 1 then
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), id)
  return { 1, wallet() }
end
if ARGV[2] == '0' then
  return { 0, wallet() }
end
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), id)
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
return { 2, wallet() }
`);

/* ARGV: reservationId, negated charged units, marker TTL ms. Reply: { balance, reserved, updatedAt, unlimited }. */
const COMMIT = new LuaScript(`${LUA_WALLET}
if redis.call('EXISTS', KEYS[4]) == 1 then
  return { wallet() }
end
unreserve(ARGV[1])
if redis.call('HEXISTS', KEYS[1], 'balance') == 1 then
  redis.call('HINCRBY', KEYS[1], 'balance', ARGV[2])
end
-- Every commit counts, balance known or not: a balance being read now (see SET_BALANCE) learns it.
redis.call('HINCRBY', KEYS[1], 'committed', string.sub(ARGV[2], 1, 1) == '-' and string.sub(ARGV[2], 2) or ARGV[2])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[3])
return { wallet() }
`);

/* ARGV: reservationId. Reply: { balance, reserved, updatedAt, unlimited }. */
const RELEASE = new LuaScript(`${LUA_WALLET}
unreserve(ARGV[1])
return { wallet() }
`);

/* Reply: { balance, reserved, updatedAt, unlimited }. */
const SNAPSHOT = new LuaScript(`${LUA_WALLET}
return { wallet() }
`);

function toSnapshot(fields: unknown[]): WalletSnapshot {
  const [balance, reserved, updatedAt, unlimited] = fields;
  const asNumber = (value: unknown): number | null => {
    if (value === null) {
      return null;
    }
    const n = typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) {
      throw new Error(`Unexpected wallet value in Redis: ${JSON.stringify(value)}`);
    }
    return n;
  };
  const balanceUnits = asNumber(balance);
  const reservedUnits = asNumber(reserved) ?? 0;
  return {
    balance: balanceUnits === null ? null : fromUnits(balanceUnits),
    reserved: fromUnits(reservedUnits),
    available: balanceUnits === null ? null : fromUnits(balanceUnits - reservedUnits),
    updatedAt: asNumber(updatedAt),
    unlimited: balanceUnits === null && unlimited === '1',
  };
}

function walletReply(reply: unknown, leading: number): { head: unknown[]; snapshot: WalletSnapshot } {
  if (!Array.isArray(reply) || reply.length !== leading + 4) {
    throw new Error(`Unexpected reply from the credit wallet script: ${JSON.stringify(reply)}`);
  }
  const fields = reply as unknown[];
  return { head: fields.slice(0, leading), snapshot: toSnapshot(fields.slice(leading)) };
}

/**
 * Provider credits shared by every replica: a provider-reported balance, minus reservations held
 * by calls in flight, so concurrent workers never spend together more than the provider has left.
 * Each operation is one Lua script; reservations expire, and commits are idempotent per
 * reservationId for a few days.
 */
export class CreditWallet {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: CreditWalletOptions = {},
  ) {}

  /**
   * Where the wallet's commits stand now: take it just before reading the provider's balance, and
   * pass it to {@link setBalance} with what was read. A charge committed between the read and the
   * write would otherwise be overwritten (the wallet overstating the balance, letting calls reach a
   * provider that is dry); with the mark it is subtracted from the reading. A charge the provider
   * already counted when it answered the read but committed here after the mark is subtracted too:
   * the wallet then understates by that much until the next reading, the safe side. The mark's
   * time (Redis's clock) tells a reading that overlapped a newer one written meanwhile.
   */
  async mark(provider: string): Promise<BalanceMark> {
    const reply = await MARK.run(this.redis, this.keys(provider).slice(0, 1), []);
    if (!Array.isArray(reply) || reply.length !== 2 || !reply.every((part) => typeof part === 'string')) {
      throw new Error(`Unexpected reply from the credit wallet's mark script: ${JSON.stringify(reply)}`);
    }
    const [committed, at] = reply;
    return { committed, at };
  }

  /**
   * A provider-reported balance (a snapshot). Open reservations stay. With the {@link mark} taken
   * before the balance was read, charges committed since are subtracted from it (atomically), and a
   * reading whose mark is older than the balance written last is not written (`overlapped`): the
   * two reads overlapped, so this one is not known to be the newer. A balance without a mark (a
   * provider's out-of-credits answer: 0 now) is always written.
   * `Infinity` (a plan without a credit limit, as adapters report it) leaves no balance to limit
   * calls, as an unknown one, and the snapshot says `unlimited` until a finite balance is set.
   */
  async setBalance(provider: string, balance: number, mark?: BalanceMark): Promise<'written' | 'overlapped'> {
    const keys = this.keys(provider);
    let reply: unknown;
    if (balance === Number.POSITIVE_INFINITY) {
      reply = await SET_UNLIMITED.run(this.redis, keys, mark ? [mark.at] : []);
    } else {
      const units = String(toUnits(balance, 'balance', { negativeAllowed: true }));
      reply = await SET_BALANCE.run(this.redis, keys, mark ? [units, mark.committed, mark.at] : [units]);
    }
    return walletReply(reply, 1).head[0] === 1 ? 'written' : 'overlapped';
  }

  /**
   * Forgets the balance: unknown again, so it no longer limits (for a provider whose balance only
   * its answers tell). Open reservations stay.
   */
  async forgetBalance(provider: string): Promise<void> {
    walletReply(await FORGET_BALANCE.run(this.redis, this.keys(provider), []), 0);
  }

  /**
   * Atomically reserves `amount` for `reservationId` when balance - reserved >= amount. An unknown
   * balance (never set) does not limit, but the reservation is still held. Idempotent: the same
   * reservationId twice reserves once (the first amount stands), and a reservationId already
   * committed reserves nothing. Reservations expire after ttlMs; every call purges expired ones.
   * amount 0 → ok without storing. A refusal says whether the balance itself cannot pay or only
   * the reservations held leave too little (see {@link ReserveResult}).
   */
  async reserve(
    provider: string,
    reservationId: string,
    amount: number,
    ttlMs: number,
  ): Promise<ReserveResult> {
    const units = toUnits(amount, 'amount', { negativeAllowed: false });
    if (!Number.isInteger(ttlMs) || ttlMs < 1) {
      throw new Error(`ttlMs must be an integer >= 1, got ${ttlMs}`);
    }
    const reply = await RESERVE.run(this.redis, this.keys(provider, reservationId), [
      reservationId,
      String(units),
      ttlMs,
    ]);
    const { head, snapshot } = walletReply(reply, 1);
    if (head[0] === 1) {
      return { ok: true, available: snapshot.available };
    }
    // Refused only against a known balance.
    return {
      ok: false,
      available: snapshot.available ?? 0,
      balance: snapshot.balance ?? 0,
      needed: fromUnits(units),
    };
  }

  /**
   * Keeps `reservationId` held for another `ttlMs` (from now): for a call whose asynchronous work
   * outlasts the reservation's first expiry. A reservation that expired meanwhile is made again for
   * `amount`, even beyond what the balance leaves: the provider is doing the work and will charge
   * for it. Nothing is held for a reservation already committed. Answers which of these it did.
   */
  async renew(
    provider: string,
    reservationId: string,
    amount: number,
    ttlMs: number,
  ): Promise<'renewed' | 'restored' | 'committed'> {
    const units = toUnits(amount, 'amount', { negativeAllowed: false });
    if (!Number.isInteger(ttlMs) || ttlMs < 1) {
      throw new Error(`ttlMs must be an integer >= 1, got ${ttlMs}`);
    }
    const reply = await RENEW.run(this.redis, this.keys(provider, reservationId), [
      reservationId,
      String(units),
      ttlMs,
    ]);
    const { head } = walletReply(reply, 1);
    return head[0] === 1 ? 'renewed' : head[0] === 2 ? 'restored' : 'committed';
  }

  /**
   * Ends the reservation and subtracts what the provider actually charged from the balance (when
   * known). Idempotent per reservationId: a second commit changes nothing. Works also when no
   * reservation exists (charged anyway, once). Returns the snapshot after.
   */
  async commit(provider: string, reservationId: string, charged: number): Promise<WalletSnapshot> {
    const units = toUnits(charged, 'charged', { negativeAllowed: false });
    const reply = await COMMIT.run(this.redis, this.keys(provider, reservationId), [
      reservationId,
      String(-units),
      this.options.commitMarkerTtlMs ?? COMMIT_MARKER_TTL_MS,
    ]);
    return walletReply(reply, 0).snapshot;
  }

  /** Ends the reservation without charge. Idempotent. */
  async release(provider: string, reservationId: string): Promise<void> {
    walletReply(await RELEASE.run(this.redis, this.keys(provider), [reservationId]), 0);
  }

  async snapshot(provider: string): Promise<WalletSnapshot> {
    return walletReply(await SNAPSHOT.run(this.redis, this.keys(provider), []), 0).snapshot;
  }

  private keys(provider: string, reservationId?: string): string[] {
    const base = `${this.prefix}:wallet:${hashTag(provider)}`;
    const keys = [`${base}:balance`, `${base}:reservations`, `${base}:expiries`];
    if (reservationId !== undefined) {
      keys.push(`${base}:committed:${reservationId}`);
    }
    return keys;
  }
}
