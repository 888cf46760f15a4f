import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashTag, integerArray, LUA_NOW_MS, LuaScript } from './redis-script';

/** One limit on calls, e.g. `{ name: 'minute', limit: 100, windowMs: 60_000 }`. */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise how long until every refusing rule has a free slot (at least 1). */
  retryAfterMs: number;
  /** The refusing rule that frees up last, null when allowed. */
  rule: string | null;
  /**
   * Slots left per rule name right after this decision, when the limiter learns them with it (the
   * Redis limiter does, in the same script), so a caller that reports them needs no second trip.
   */
  remaining?: Record<string, number>;
}

export interface RateLimiter {
  /**
   * Takes one slot from every rule atomically, or none when any rule is full. Refused: retryAfterMs
   * is when the entry that must leave the fullest refusing rule's window (the one that frees up
   * last) leaves it, at least 1.
   */
  acquire(key: string, rules: readonly RateLimitRule[]): Promise<RateDecision>;
  /** Slots left per rule name right now, without taking one. */
  remaining(key: string, rules: readonly RateLimitRule[]): Promise<Record<string, number>>;
}

/** A fresh object each time: callers may keep or change what they get. */
const allowed = (): RateDecision => ({ allowed: true, retryAfterMs: 0, rule: null });

/** Refuses rules that would make a wrong decision quietly (NaN limits, shared names). */
function checkRules(rules: readonly RateLimitRule[]): void {
  const names = new Set<string>();
  for (const rule of rules) {
    if (names.has(rule.name)) {
      throw new Error(`Rate limit rule "${rule.name}" is given twice`);
    }
    names.add(rule.name);
    if (!Number.isInteger(rule.limit) || rule.limit < 0) {
      throw new Error(`Rate limit rule "${rule.name}": limit must be an integer >= 0, got ${rule.limit}`);
    }
    if (!Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
      throw new Error(
        `Rate limit rule "${rule.name}": windowMs must be an integer >= 1, got ${rule.windowMs}`,
      );
    }
  }
}

/*
 * Two ways of counting a rule, chosen per rule (mode 0 or 1), in one script so every rule is checked
 * before any is written and a refused call takes no slot anywhere.
 *
 * Mode 0, a sliding log: one sorted set per key and rule, members unique per acquire, scores Redis
 * TIME in ms; an entry is inside the window while score > now - windowMs. Exact, and it holds one
 * entry per call in the window: right for provider limits (a few hundred calls) and short windows.
 *
 * Mode 1, a sliding-window counter: one hash per key and rule with a count per fixed window (field:
 * the window's index), the previous window's count weighed by how much of it the sliding window
 * still covers: estimate = previous × (windowMs − elapsed) / windowMs + current. Two numbers per rule
 * whatever the limit, where a sliding log of a 1,000,000-a-day limit would hold a million entries;
 * the estimate assumes the previous window's calls were spread evenly, so a burst at its very end
 * can let a few more through across the boundary. A call is allowed while estimate + 1 <= limit.
 *
 * KEYS: one per rule. ARGV: member, then limit, windowMs and mode per rule.
 * Reply: { allowed 0|1, retryAfterMs, 1-based index of the refusing rule or 0, then the slots left
 * per rule after the decision }.
 */
const COUNT_RULE = `
-- How many calls the rule has in its sliding window now (a fraction in mode 1), and for mode 1 the
-- current and previous fixed windows' counts and the time elapsed in the current one.
local function counted(key, window, mode, now)
  if mode == 0 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    return redis.call('ZCARD', key), 0, 0, 0, 0
  end
  local index = math.floor(now / window)
  local elapsed = now - index * window
  local got = redis.call('HMGET', key, tostring(index), tostring(index - 1))
  local current = tonumber(got[1]) or 0
  local previous = tonumber(got[2]) or 0
  return previous * (window - elapsed) / window + current, current, previous, elapsed, index
end
`;

const ACQUIRE = new LuaScript(`${LUA_NOW_MS}${COUNT_RULE}
local now = now_ms()
local member = ARGV[1]
local wait_most = -1
local refusing = 0
local counts = {}
local indexes = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[3 * i - 1])
  local window = tonumber(ARGV[3 * i])
  local mode = tonumber(ARGV[3 * i + 1])
  local count, current, previous, elapsed, index = counted(KEYS[i], window, mode, now)
  counts[i] = count
  indexes[i] = index
  if count + 1 > limit then
    local wait = window
    if limit > 0 and mode == 0 then
      -- count - limit + 1 entries must leave; the last of them is at 0-based rank count - limit.
      local entry = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
      wait = tonumber(entry[2]) + window - now
    elseif limit > 0 then
      local room = limit - 1 - current
      if previous > 0 and room > 0 then
        -- Within this window, once the previous window's weight has fallen to the room left.
        wait = (window - elapsed) - window * room / previous
      else
        -- In the next window, where this window's count is the previous one.
        wait = window - elapsed
        if current > limit - 1 then
          wait = wait + window * (1 - (limit - 1) / current)
        end
      end
      wait = math.ceil(wait)
    end
    if wait < 1 then wait = 1 end
    if wait > wait_most then
      wait_most = wait
      refusing = i
    end
  end
end
local reply = { 0, wait_most, refusing }
if refusing == 0 then
  reply = { 1, 0, 0 }
end
for i = 1, #KEYS do
  local window = tonumber(ARGV[3 * i])
  local left = tonumber(ARGV[3 * i - 1]) - counts[i]
  if refusing == 0 then
    if tonumber(ARGV[3 * i + 1]) == 0 then
      redis.call('ZADD', KEYS[i], now, member)
      redis.call('PEXPIRE', KEYS[i], window)
    else
      redis.call('HINCRBY', KEYS[i], tostring(indexes[i]), 1)
      -- Only the current and the previous window are ever read.
      redis.call('HDEL', KEYS[i], tostring(indexes[i] - 2))
      redis.call('PEXPIRE', KEYS[i], 2 * window)
    end
    left = left - 1
  end
  left = math.floor(left)
  if left < 0 then left = 0 end
  reply[3 + i] = left
end
return reply
`);

/* KEYS: one per rule. ARGV: limit, windowMs and mode per rule. Reply: slots left per rule. Read-only. */
const REMAINING = new LuaScript(`${LUA_NOW_MS}${COUNT_RULE}
local now = now_ms()
local left = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[3 * i - 2])
  local window = tonumber(ARGV[3 * i - 1])
  local mode = tonumber(ARGV[3 * i])
  local count
  if mode == 0 then
    -- Counted without trimming: this script writes nothing.
    count = redis.call('ZCOUNT', KEYS[i], '(' .. (now - window), '+inf')
  else
    count = counted(KEYS[i], window, mode, now)
  end
  local n = math.floor(limit - count)
  if n < 0 then n = 0 end
  left[i] = n
end
return left
`);

export interface RedisLimiterOptions {
  /**
   * Rules with a longer window than this are counted as sliding-window counters (two counts per
   * rule) instead of sliding logs (one entry per call). Unset: every rule is a sliding log.
   */
  countAboveMs?: number;
}

/**
 * A rate limiter shared by every replica: each decision is one Lua script on Redis's clock, so two
 * workers never both take the last slot. Written here rather than taken from a library: the
 * sliding-window limiters for Node decide one window per call, and a workspace's minute, hour and
 * day limits must be decided together (a refused call takes no slot in any of them).
 */
export class RedisSlidingWindowLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisLimiterOptions = {},
  ) {}

  async acquire(key: string, rules: readonly RateLimitRule[]): Promise<RateDecision> {
    checkRules(rules);
    if (rules.length === 0) {
      return allowed();
    }
    const args: (string | number)[] = [randomUUID()];
    for (const rule of rules) {
      args.push(rule.limit, rule.windowMs, this.counted(rule) ? 1 : 0);
    }
    const reply = await ACQUIRE.run(this.redis, this.keys(key, rules), args);
    const [taken, retryAfterMs, refusing, ...left] = integerArray(reply, 3 + rules.length, 'rate limit');
    const remaining = Object.fromEntries(rules.map((rule, i) => [rule.name, left[i] ?? 0]));
    if (taken === 1) {
      return { ...allowed(), remaining };
    }
    return { allowed: false, retryAfterMs, rule: rules[refusing - 1]?.name ?? null, remaining };
  }

  async remaining(key: string, rules: readonly RateLimitRule[]): Promise<Record<string, number>> {
    checkRules(rules);
    if (rules.length === 0) {
      return {};
    }
    const args = rules.flatMap((rule) => [rule.limit, rule.windowMs, this.counted(rule) ? 1 : 0]);
    const reply = await REMAINING.run(this.redis, this.keys(key, rules), args);
    const left = integerArray(reply, rules.length, 'rate limit');
    return Object.fromEntries(rules.map((rule, i) => [rule.name, left[i] ?? 0]));
  }

  private counted(rule: RateLimitRule): boolean {
    return this.options.countAboveMs !== undefined && rule.windowMs > this.options.countAboveMs;
  }

  /** A counted rule has its own key name: a sliding log's sorted set may still hold the other. */
  private keys(key: string, rules: readonly RateLimitRule[]): string[] {
    return rules.map(
      (rule) => `${this.prefix}:rate:${hashTag(key)}:${rule.name}${this.counted(rule) ? ':counts' : ''}`,
    );
  }
}

/**
 * The same sliding log in this process's memory. A local-development fallback only: every replica
 * would count on its own, so N replicas let N times the limit through. Production uses
 * {@link RedisSlidingWindowLimiter}. `now` is injectable so tests control the clock.
 */
export class InProcessSlidingWindowLimiter implements RateLimiter {
  /** Sorted timestamps per key and rule. */
  private readonly logs = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  acquire(key: string, rules: readonly RateLimitRule[]): Promise<RateDecision> {
    // An executor that throws rejects the promise, as the Redis limiter's would.
    return new Promise((resolve) => resolve(this.decide(key, rules)));
  }

  remaining(key: string, rules: readonly RateLimitRule[]): Promise<Record<string, number>> {
    return new Promise((resolve) => {
      checkRules(rules);
      const now = this.now();
      resolve(
        Object.fromEntries(
          rules.map((rule) => [rule.name, Math.max(0, rule.limit - this.trimmed(key, rule, now).length)]),
        ),
      );
    });
  }

  private decide(key: string, rules: readonly RateLimitRule[]): RateDecision {
    checkRules(rules);
    const now = this.now();
    let refusing: { rule: string; wait: number } | null = null;
    const logs: number[][] = [];
    for (const rule of rules) {
      const log = this.trimmed(key, rule, now);
      logs.push(log);
      if (log.length >= rule.limit) {
        const leaving = log[log.length - rule.limit];
        const wait = Math.max(
          1,
          rule.limit > 0 && leaving !== undefined ? leaving + rule.windowMs - now : rule.windowMs,
        );
        if (refusing === null || wait > refusing.wait) {
          refusing = { rule: rule.name, wait };
        }
      }
    }
    if (refusing !== null) {
      return { allowed: false, retryAfterMs: refusing.wait, rule: refusing.rule };
    }
    rules.forEach((rule, i) => {
      const log = logs[i] ?? [];
      log.push(now);
      // A clock that stepped back would leave the log unsorted, and trimming relies on the order.
      if (log.length > 1 && (log[log.length - 2] ?? 0) > now) {
        log.sort((a, b) => a - b);
      }
      this.logs.set(this.logKey(key, rule), log);
    });
    return allowed();
  }

  /** The log without entries that have left the window; empty logs are dropped, not kept. */
  private trimmed(key: string, rule: RateLimitRule, now: number): number[] {
    const logKey = this.logKey(key, rule);
    const log = this.logs.get(logKey) ?? [];
    const firstLive = log.findIndex((at) => at > now - rule.windowMs);
    const live = firstLive === -1 ? [] : log.slice(firstLive);
    if (live.length === 0) {
      this.logs.delete(logKey);
    } else {
      this.logs.set(logKey, live);
    }
    return live;
  }

  private logKey(key: string, rule: RateLimitRule): string {
    return JSON.stringify([key, rule.name]);
  }
}
