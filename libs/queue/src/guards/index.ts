/*
 * Rate limits, circuit breakers and credit reservations shared by every worker replica.
 *
 * Why hand-written: BullMQ's own limiter is a fixed window counted when a job starts, which lets up
 * to twice the limit through across a window edge and knows nothing of per-provider rules, shared
 * breakers or credits. No maintained library offers a Redis sliding-window limiter, a circuit
 * breaker shared by replicas and credit reservations with the same atomicity, so each decision
 * here is one Lua script run by Redis on Redis's own clock.
 */

export * from './sliding-window';
export * from './provider-rate-limiter';
export * from './circuit-breaker';
export * from './credit-wallet';
export { LuaScript } from './redis-script';
