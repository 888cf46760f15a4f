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
    // One round trip: the key and its workspace's tier together.
    const key = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .innerJoin(Workspace, 'w', 'w.id = k.workspace_id')
      .select(['k.id AS id', 'k.workspace_id AS workspace_id', 'w.tier AS tier'])
      .where({ keyHash: hashApiKey(token), revokedAt: IsNull() })
      .getRawOne<{ id: string; workspace_id: string; tier: string }>();
    if (!key) {
      throw new UnauthorizedException('Invalid or revoked API key.');
    }
    request.caller = { workspaceId: key.workspace_id, apiKeyId: key.id, tier: key.tier };
    return true;
  }
}
