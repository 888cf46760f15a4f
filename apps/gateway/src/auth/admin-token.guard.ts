import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { GatewayConfig } from '@sluice/config';
import type { NextFunction, Request, Response } from 'express';
import { basicPassword, bearerToken, secretsEqual } from './api-keys';
import type { AuthenticatedRequest } from './request-context';

function isAdmin(authorization: string | undefined, adminToken: string): boolean {
  const given = bearerToken(authorization) ?? basicPassword(authorization);
  return given !== null && secretsEqual(given, adminToken);
}

/** Guards admin routes with SLUICE_ADMIN_TOKEN (Bearer, or Basic with the token as password). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!isAdmin(request.headers.authorization, this.config.adminToken)) {
      throw new UnauthorizedException(
        'Admin token required: send "Authorization: Bearer <SLUICE_ADMIN_TOKEN>".',
      );
    }
    request.operator = true;
    return true;
  }
}

/** The same check as express middleware, for Bull Board; browsers get a Basic-auth prompt. */
export function adminTokenMiddleware(adminToken: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isAdmin(req.headers.authorization, adminToken)) {
      next();
      return;
    }
    res.status(401).setHeader('WWW-Authenticate', 'Basic realm="Sluice admin", charset="UTF-8"').json({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Admin token required (user: admin, password: SLUICE_ADMIN_TOKEN).',
    });
  };
}
