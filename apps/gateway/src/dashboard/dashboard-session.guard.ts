import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CoreConfig, GatewayConfig } from '@sluice/config';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { bearerToken, secretsEqual } from '../auth/api-keys';
import { cookieValue, SESSION_COOKIE, verifiedSession } from './session';

/**
 * Who may see the dashboard: a live, not logged-out session cookie (the page) or the admin token
 * as a bearer token (scripts). Sessions are stateless signed values; logging out records the
 * session's signature in Redis until it would have expired, so a copied cookie dies with it.
 */
@Injectable()
export class DashboardSessions {
  constructor(
    private readonly gateway: GatewayConfig,
    private readonly core: CoreConfig,
    @InjectQueue(QUEUE_NAMES.enrichment) private readonly queue: Queue,
  ) {}

  /** Only the gateway reads and writes these keys. */
  private key(signature: string): string {
    return `${this.core.queuePrefix}:dashboard:revoked:${signature}`;
  }

  private async redis(): Promise<Redis> {
    return (await this.queue.client) as unknown as Redis;
  }

  async allows(request: Request): Promise<boolean> {
    const given = bearerToken(request.headers.authorization);
    if (given !== null && secretsEqual(given, this.gateway.adminToken)) {
      return true;
    }
    const session = verifiedSession(
      cookieValue(request.headers.cookie, SESSION_COOKIE),
      this.gateway.adminToken,
    );
    return session !== null && (await (await this.redis()).exists(this.key(session.signature))) === 0;
  }

  /** Ends the request's session for good (a no-op without a valid one). */
  async revoke(request: Request): Promise<void> {
    const session = verifiedSession(
      cookieValue(request.headers.cookie, SESSION_COOKIE),
      this.gateway.adminToken,
    );
    if (session) {
      const ttl = Math.max(1, session.expiresAt - Date.now());
      await (await this.redis()).set(this.key(session.signature), '1', 'PX', ttl);
    }
  }
}

/** Guards the dashboard's data: a session cookie (the page) or the admin bearer token (scripts). */
@Injectable()
export class DashboardSessionGuard implements CanActivate {
  constructor(private readonly sessions: DashboardSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!(await this.sessions.allows(context.switchToHttp().getRequest<Request>()))) {
      throw new UnauthorizedException('Dashboard session required: log in at /dashboard/login.');
    }
    return true;
  }
}
