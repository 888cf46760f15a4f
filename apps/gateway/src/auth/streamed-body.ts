import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const STREAMED_BODY_KEY = 'sluice:streamed-body';

/**
 * Reads a request's whole streamed body (and nothing else: no effect) and returns a digest of what
 * it means, equal for two requests that ask for the same thing.
 */
export type StreamedBodyDigest = (request: Request) => Promise<string>;

/**
 * Marks a route whose handler streams the request body itself (a CSV upload), so the body is not
 * parsed before the handler runs. The Idempotency-Key check cannot hash such a body up front: the
 * handler records the digest of what it read (`recordStreamedDigest`), and a repeat of a finished
 * request is compared by reading its body through `digest`.
 */
export const StreamedBody = (digest: StreamedBodyDigest): MethodDecorator =>
  SetMetadata(STREAMED_BODY_KEY, digest);

const DIGEST = Symbol('sluice:streamed-digest');

/** What a streamed-body handler read, for the Idempotency-Key record. */
export function recordStreamedDigest(request: Request, digest: string): void {
  (request as Request & { [DIGEST]?: string })[DIGEST] = digest;
}

export function streamedDigestOf(request: Request): string | undefined {
  return (request as Request & { [DIGEST]?: string })[DIGEST];
}
