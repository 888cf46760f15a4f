import { setFlagsFromString } from 'node:v8';

/*
 * Imported first by main.ts, before anything else is loaded: V8 flags the gateway needs to keep its
 * latency low, set before the heap fills.
 *
 * `--no-allocation-site-pretenuring`. V8 watches the places in the code that allocate objects and,
 * once nearly all objects from one place survive a young-generation collection, allocates that
 * place's objects straight into the old generation. At start-up NestJS, TypeORM, ioredis and pg
 * create long-lived objects from the same places that serve each request later (Node's `once`
 * wrapper among them), so those places get marked. A request's short-lived object allocated in
 * the old generation then keeps every young object it points to — the request, its response, its
 * closures — alive through each young collection until a full collection comes: at 1,000 cached
 * answers a second each young collection copied 1.5 MB instead of 0.3 and paused 5–8 ms instead
 * of 2.5, and those pauses decided the p99 (docs/benchmarks.md). Without it, objects that really
 * live long are copied once more before promotion, which costs less than that.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
