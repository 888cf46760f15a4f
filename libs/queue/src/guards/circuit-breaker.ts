import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashTag, LUA_NOW_MS, LuaScript } from './redis-script';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  /** 0..1, e.g. 0.5: the circuit opens when failures / calls in the window reach it. */
  failureRateThreshold: number;
  /** Calls in the window before the rate counts at all, e.g. 5. */
  minimumCalls: number;
  /** The sliding window of outcomes, e.g. 30_000. */
  windowMs: number;
  /** How long an open circuit refuses before one probe may try, e.g. 10_000. */
  coolDownMs: number;
}

export interface CircuitTransition {
  key: string;
  from: CircuitState;
  to: CircuitState;
  /** failures / calls in the window when closed → open; null for other transitions. */
  failureRate: number | null;
}

export interface CircuitPermit {
  allowed: boolean;
  state: CircuitState;
  /** 0 when allowed. */
  retryAfterMs: number;
  /**
   * Set when this permit is the half-open circuit's one probe: its token, for `releaseProbe` when
   * the probe ends without a call (nothing learnt of the provider) so another may try at once.
   */
  probe?: string;
}

/*
 * Keys per circuit: KEYS[1] a hash { state, openUntil } (absent = closed), KEYS[2] the probe slot
 * (SET NX PX: at least coolDownMs, or as long as the probe's call may take, so that a slow probe is
 * not joined by a second while a prober that dies frees it), KEYS[3] all outcomes and KEYS[4] failures,
 * both sorted sets scored by Redis TIME in ms. Every script replies with the state after it and the
 * state it moved from ('' when it moved nothing), so only the replica that made a transition
 * reports it.
 */
const LUA_STATE = `${LUA_NOW_MS}
local now = now_ms()
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local open_until = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
-- What state() reports: an open circuit past its cool-down is ready for a probe.
local function reported()
  if state == 'open' and now >= open_until then
    return 'half_open'
  end
  return state
end
`;

/* ARGV: the probe slot's lifetime in ms, probe token. Reply: { state, from, allowed 0|1, retryAfterMs }. */
const TRY_ACQUIRE = new LuaScript(`${LUA_STATE}
if state == 'closed' then
  return { 'closed', '', 1, 0 }
end
local from = ''
if state == 'open' then
  if now < open_until then
    return { 'open', '', 0, open_until - now }
  end
  redis.call('HSET', KEYS[1], 'state', 'half_open')
  from = 'open'
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then
  return { 'half_open', from, 1, 0 }
end
local wait = redis.call('PTTL', KEYS[2])
if wait < 1 then wait = 1 end
return { 'half_open', from, 0, wait }
`);

/* ARGV: windowMs, member. Reply: { state, from }. */
const RECORD_SUCCESS = new LuaScript(`${LUA_STATE}
if state == 'half_open' then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return { 'closed', 'half_open' }
end
if state == 'open' then
  -- A call begun before the circuit opened is no evidence of recovery; only the probe closes it.
  return { reported(), '' }
end
local window = tonumber(ARGV[1])
redis.call('ZADD', KEYS[3], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
redis.call('PEXPIRE', KEYS[3], window)
return { 'closed', '' }
`);

/*
 * ARGV: windowMs, member, minimumCalls, failureRateThreshold, coolDownMs.
 * Reply: { state, from, failures, calls } (failures and calls 0 unless closed → open).
 */
const RECORD_FAILURE = new LuaScript(`${LUA_STATE}
local cool = tonumber(ARGV[5])
if state == 'half_open' then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + cool)
  return { 'open', 'half_open', 0, 0 }
end
if state == 'open' then
  -- Late failures of calls begun before opening neither extend nor shorten the cool-down.
  return { reported(), '', 0, 0 }
end
local window = tonumber(ARGV[1])
for i = 3, 4 do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('PEXPIRE', KEYS[i], window)
end
local calls = redis.call('ZCARD', KEYS[3])
local failures = redis.call('ZCARD', KEYS[4])
if calls >= tonumber(ARGV[3]) and failures / calls >= tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + cool)
  return { 'open', 'closed', failures, calls }
end
return { 'closed', '', 0, 0 }
`);

/* ARGV: probe token. Frees the probe slot if that probe still holds it. Reply: { state, '' }. */
const RELEASE_PROBE = new LuaScript(`${LUA_STATE}
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return { reported(), '' }
`);

/* Reply: { state, '' }. Read-only. */
const STATE = new LuaScript(`${LUA_STATE}
return { reported(), '' }
`);

/* Reply: { 'closed', from }: from is the stored state before, '' when it was closed already. */
const RESET = new LuaScript(`${LUA_STATE}
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
if state == 'closed' then
  return { 'closed', '' }
end
return { 'closed', state }
`);

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

function isState(value: unknown): value is CircuitState {
  return typeof value === 'string' && (STATES as readonly string[]).includes(value);
}

interface ScriptReply {
  state: CircuitState;
  from: CircuitState | null;
  numbers: number[];
}

function parseReply(reply: unknown, length: number): ScriptReply {
  if (Array.isArray(reply) && reply.length === length) {
    const [state, from, ...numbers] = reply as unknown[];
    if (
      isState(state) &&
      (from === '' || isState(from)) &&
      numbers.every((n): n is number => typeof n === 'number')
    ) {
      return { state, from: isState(from) ? from : null, numbers };
    }
  }
  throw new Error(`Unexpected reply from the circuit breaker script: ${JSON.stringify(reply)}`);
}

function checkOptions(options: CircuitOptions): void {
  const { failureRateThreshold, minimumCalls, windowMs, coolDownMs } = options;
  if (!(failureRateThreshold >= 0 && failureRateThreshold <= 1)) {
    throw new Error(`failureRateThreshold must be within 0..1, got ${failureRateThreshold}`);
  }
  if (!Number.isInteger(minimumCalls) || minimumCalls < 1) {
    throw new Error(`minimumCalls must be an integer >= 1, got ${minimumCalls}`);
  }
  if (!Number.isInteger(windowMs) || windowMs < 1) {
    throw new Error(`windowMs must be an integer >= 1, got ${windowMs}`);
  }
  if (!Number.isInteger(coolDownMs) || coolDownMs < 1) {
    throw new Error(`coolDownMs must be an integer >= 1, got ${coolDownMs}`);
  }
}

/**
 * A circuit breaker whose state lives in Redis, so every replica stops calling a failing provider
 * together and exactly one of them probes it after the cool-down. Each step is one Lua script on
 * Redis's clock; the replica whose script made a transition reports it to `onTransition`.
 */
export class RedisCircuitBreaker {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: CircuitOptions,
    private readonly onTransition?: (t: CircuitTransition) => void,
  ) {
    checkOptions(options);
  }

  /**
   * closed → allowed. open and cool-down not over → refused with retryAfterMs. open and cool-down
   * over → becomes half_open and lets exactly one probe through across all replicas (the probe
   * slot expires after coolDownMs, or `callMs` when that is longer, if the prober never reports);
   * others are refused while the probe runs.
   */
  async tryAcquire(key: string, callMs = 0): Promise<CircuitPermit> {
    const token = randomUUID();
    const reply = await TRY_ACQUIRE.run(this.redis, this.keys(key), [
      Math.max(this.options.coolDownMs, Math.ceil(callMs)),
      token,
    ]);
    const { state, from, numbers } = parseReply(reply, 4);
    this.report(key, from, state, null);
    const [allowed, retryAfterMs] = numbers;
    const permit: CircuitPermit = { allowed: allowed === 1, state, retryAfterMs: retryAfterMs ?? 0 };
    return permit.allowed && state === 'half_open' ? { ...permit, probe: token } : permit;
  }

  /**
   * Frees the probe slot `tryAcquire` gave (`permit.probe`) when the probe ended without an outcome
   * to record (its step made no call, or one that says nothing of the provider's health), so that
   * the next step probes now rather than once the slot expires. A no-op once the probe's outcome
   * was recorded, or its slot expired and another probe holds it.
   */
  async releaseProbe(key: string, probe: string): Promise<void> {
    parseReply(await RELEASE_PROBE.run(this.redis, this.keys(key), [probe]), 2);
  }

  /** In half_open: closes the circuit (clears the window). In closed: counts a success. */
  async recordSuccess(key: string): Promise<CircuitState> {
    const reply = await RECORD_SUCCESS.run(this.redis, this.keys(key), [this.options.windowMs, randomUUID()]);
    const { state, from } = parseReply(reply, 2);
    this.report(key, from, state, null);
    return state;
  }

  /**
   * Counts a failure. In closed, opens when calls in the window >= minimumCalls and
   * failures / calls >= failureRateThreshold; in half_open, re-opens with a new cool-down.
   */
  async recordFailure(key: string): Promise<CircuitState> {
    const { windowMs, minimumCalls, failureRateThreshold, coolDownMs } = this.options;
    const reply = await RECORD_FAILURE.run(this.redis, this.keys(key), [
      windowMs,
      randomUUID(),
      minimumCalls,
      failureRateThreshold,
      coolDownMs,
    ]);
    const { state, from, numbers } = parseReply(reply, 4);
    const [failures = 0, calls = 0] = numbers;
    this.report(key, from, state, from === 'closed' && calls > 0 ? failures / calls : null);
    return state;
  }

  /** The state now, without side effects (an open circuit past its cool-down reports 'half_open'). */
  async state(key: string): Promise<CircuitState> {
    return parseReply(await STATE.run(this.redis, this.keys(key), []), 2).state;
  }

  /** Closes the circuit and forgets its outcomes; reports the transition when it was not closed. */
  async reset(key: string): Promise<void> {
    const { state, from } = parseReply(await RESET.run(this.redis, this.keys(key), []), 2);
    this.report(key, from, state, null);
  }

  private report(key: string, from: CircuitState | null, to: CircuitState, failureRate: number | null): void {
    if (from === null || this.onTransition === undefined) {
      return;
    }
    try {
      this.onTransition({ key, from, to, failureRate });
    } catch (error) {
      // The transition has happened in Redis already; a failing listener must not turn it into a
      // failed call (a probe that took the slot and then threw would block probing until expiry).
      process.emitWarning(error instanceof Error ? error : String(error), 'CircuitTransitionListener');
    }
  }

  private keys(key: string): string[] {
    const base = `${this.prefix}:circuit:${hashTag(key)}`;
    return [`${base}:state`, `${base}:probe`, `${base}:calls`, `${base}:failures`];
  }
}
