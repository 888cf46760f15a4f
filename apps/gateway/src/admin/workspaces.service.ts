import { createHash } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiKey, isUniqueViolation, Workspace, type WorkspaceTier } from '@sluice/db';
import { DataSource } from 'typeorm';
import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-keys';
import { API_SCOPES } from '../auth/scopes';
import { WebhookSecrets } from '../callbacks/webhook-secrets.service';
import type { WorkspaceCreatedDto } from './create-workspace.dto';

/**
 * A workspace's slug: its name's letters and digits in any script, lower-cased, accents dropped
 * ('Café Co' → 'cafe-co', '日本語' stays), the rest one hyphen. Two names alike but for case,
 * accents and punctuation have one slug (the second is refused). A name with no letter or digit at
 * all ('!!!', an emoji) gets one from its hash, so that such names do not all share one slug.
 */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug || `workspace-${createHash('sha256').update(name.trim()).digest('hex').slice(0, 12)}`;
}

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: WebhookSecrets,
  ) {}

  /**
   * Creates a workspace, its first API key and its webhook signing secret in one transaction; the
   * key and the secret are returned once.
   */
  async create(name: string, tier: WorkspaceTier = 'standard'): Promise<WorkspaceCreatedDto> {
    const key = generateApiKey();
    try {
      return await this.dataSource.transaction(async (manager) => {
        const workspace = await manager
          .getRepository(Workspace)
          .save(manager.getRepository(Workspace).create({ name: name.trim(), slug: slugOf(name), tier }));
        await manager.getRepository(ApiKey).save(
          manager.getRepository(ApiKey).create({
            workspaceId: workspace.id,
            name: 'default',
            keyPrefix: displayPrefix(key),
            keyHash: hashApiKey(key),
            scopes: [...API_SCOPES],
          }),
        );
        const webhookSecret = await this.secrets.issue(manager, workspace.id);
        return {
          workspace: {
            id: workspace.id,
            name: workspace.name,
            slug: workspace.slug,
            tier: workspace.tier,
            created_at: workspace.createdAt.toISOString(),
          },
          api_key: key,
          webhook_secret: webhookSecret,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(
          `A workspace named like '${name}' already exists (slug '${slugOf(name)}').`,
        );
      }
      throw error;
    }
  }
}
