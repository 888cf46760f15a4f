import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiKey, Workspace } from '@sluice/db';
import { DataSource, IsNull } from 'typeorm';
import { bearerToken, hashApiKey } from './api-keys';
import type { AuthenticatedRequest } from './request-context';

/** Authenticates `Authorization: Bearer <workspace API key>` and records who is calling. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new UnauthorizedException(
        'Missing API key: send the header "Authorization: Bearer <your API key>".',
      );
    }
    const key = await this.dataSource.getRepository(ApiKey).findOne({
      where: { keyHash: hashApiKey(token), revokedAt: IsNull() },
    });
    if (!key) {
      throw new UnauthorizedException('Invalid or revoked API key.');
    }
    const workspace = await this.dataSource.getRepository(Workspace).findOneByOrFail({ id: key.workspaceId });
    request.caller = { workspaceId: key.workspaceId, apiKeyId: key.id, tier: workspace.tier };
    return true;
  }
}
