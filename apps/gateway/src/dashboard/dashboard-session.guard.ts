import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { GatewayConfig } from '@sluice/config';
import type { Request } from 'express';
import { bearerToken, secretsEqual } from '../auth/api-keys';
import { cookieValue, SESSION_COOKIE, verifySession } from './session';

/** True when the request carries a live dashboard session or the admin token as a bearer token. */
export function hasDashboardAccess(request: Request, adminToken: string): boolean {
  if (verifySession(cookieValue(request.headers.cookie, SESSION_COOKIE), adminToken)) {
    return true;
  }
  const given = bearerToken(request.headers.authorization);
  return given !== null && secretsEqual(given, adminToken);
}

/** Guards the dashboard's data: a session cookie (the page) or the admin bearer token (scripts). */
@Injectable()
export class DashboardSessionGuard implements CanActivate {
  constructor(private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (!hasDashboardAccess(context.switchToHttp().getRequest<Request>(), this.config.adminToken)) {
      throw new UnauthorizedException('Dashboard session required: log in at /dashboard/login.');
    }
    return true;
  }
}
