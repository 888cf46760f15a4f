import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling: set by the API-key guard, read by handlers. Every query is scoped by it. */
export interface Caller {
  workspaceId: string;
  apiKeyId: string;
  tier: string;
}

/**
 * `caller`: set by ApiKeyGuard; `operator`: set by AdminTokenGuard (the admin token was given);
 * `idempotencyKeyDigest`: set by the IdempotencyInterceptor for a request with an Idempotency-Key
 * (hex SHA-256 of the key: the key itself is never kept).
 */
export type AuthenticatedRequest = Request & {
  caller?: Caller;
  operator?: boolean;
  id?: string;
  idempotencyKeyDigest?: string;
};

export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.caller) {
    // A handler that reads the caller without the guard is a programming error, not a client error.
    throw new Error('CurrentCaller used on a route without ApiKeyGuard');
  }
  return request.caller;
});

export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return String(request.id ?? '');
});
