import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CallbackConfig } from '@sluice/config';
import { WorkspaceWebhookSecret } from '@sluice/db';
import { checkCallbackUrl, generateWebhookSecret, SecretBox } from '@sluice/platform';
import { DataSource, type EntityManager, IsNull } from 'typeorm';

/**
 * Workspaces' webhook signing secrets (`whsec_…`): issued with the workspace, rotated on demand
 * with the old one signing beside the new for a grace period, kept sealed with the deployment's
 * encryption key. Also the gate for callback URLs.
 */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: CallbackConfig,
  ) {
    this.box = SecretBox.fromSetting(config.encryptionKey);
  }

  get enabled(): boolean {
    return this.box !== null;
  }

  /** A new current secret for the workspace (in `manager`'s transaction); null when callbacks are off. */
  async issue(manager: EntityManager, workspaceId: string): Promise<string | null> {
    if (!this.box) {
      return null;
    }
    const secret = generateWebhookSecret();
    await manager
      .getRepository(WorkspaceWebhookSecret)
      .insert({ workspaceId, secretSealed: this.box.seal(secret) });
    return secret;
  }

  /** Replaces the current secret; the ones it replaces keep signing until the grace period ends. */
  async rotate(workspaceId: string): Promise<{ secret: string; previousValidUntil: string | null }> {
    if (!this.box) {
      throw new BadRequestException(
        'Callbacks are not enabled on this deployment: SLUICE_ENCRYPTION_KEY is not set.',
      );
    }
    return this.dataSource.transaction(async (manager) => {
      // Rotations of one workspace one at a time: two at once each retired only the secrets it
      // could see, and neither the other's new one, so several kept signing with no end, and an
      // answer said there had been no secret to retire.
      await manager.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
      const until = new Date(Date.now() + this.config.secretGraceS * 1000);
      const retired = await manager
        .getRepository(WorkspaceWebhookSecret)
        .update({ workspaceId, expiresAt: IsNull() }, { expiresAt: until });
      const secret = (await this.issue(manager, workspaceId)) as string;
      return { secret, previousValidUntil: retired.affected ? until.toISOString() : null };
    });
  }

  /** Refuses a callback URL Sluice must not call, naming why (400). */
  async checkUrl(url: string): Promise<void> {
    if (!this.box) {
      throw new BadRequestException(
        'callback_url cannot be used: callbacks are not enabled on this deployment (SLUICE_ENCRYPTION_KEY is not set).',
      );
    }
    const problem = await checkCallbackUrl(url, { allowPrivate: this.config.allowPrivate });
    if (problem) {
      throw new BadRequestException(`callback_url is refused: ${problem}`);
    }
  }
}
