import type { Logger } from '@nestjs/common';
import type { Database } from '../../database/database.js';
import { WebhookProgress } from '../webhook-progress.js';
import { SecretUnreadable, type SecretCipher } from './secret-cipher.js';

const CANNOT_SIGN = 'Its signing secret can not be decrypted';

/** What GET /admin/webhooks shows as lastError while no delivery can be signed. */
export function cannotSignBecause(error: SecretUnreadable): string {
  return `${CANNOT_SIGN}: ${error.reason}. Deliveries wait until a key that opens it is in WEBHOOK_SECRET_KEYS, or the secret is rotated`;
}

/**
 * Webhooks whose stored secret no configured key opens (a key dropped before
 * its secrets were re-encrypted): never a crash, a webhook shown failing with
 * the reason, whose deliveries wait. Each is logged once per process, however
 * often its worker meets it.
 */
export class UnreadableSecrets {
  private readonly told = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly cipher: SecretCipher,
    private readonly logger: Logger,
    private readonly failingAfter: number,
  ) {}

  tell(webhookId: string, reason: string): void {
    const key = `${webhookId} ${reason}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    this.logger.error(`Webhook ${webhookId}: ${reason}`);
  }

  /**
   * At start-up, so a webhook whose secret no key opens shows as failing at
   * once, not only when its next event comes; and one that failed only for
   * that, and opens now (its key is back), shows as active again.
   */
  async checkAll(): Promise<void> {
    const rows = await this.db.query<{
      id: string;
      secret: string;
      status: string;
      last_error: string | null;
      consecutive_failures: number;
    }>('SELECT id, secret, status, last_error, consecutive_failures FROM webhooks WHERE deleted_at IS NULL');
    for (const row of rows) {
      const progress = new WebhookProgress(this.db, row.id);
      try {
        this.cipher.open(row.secret);
        const failedOnlyForThat = row.last_error?.startsWith(CANNOT_SIGN) && row.consecutive_failures < this.failingAfter;
        if (row.status === 'failing' && failedOnlyForThat) await progress.canSignAgain().catch(() => undefined);
      } catch (error) {
        if (!(error instanceof SecretUnreadable)) throw error;
        const reason = cannotSignBecause(error);
        this.tell(row.id, reason);
        // Deleted meanwhile: nothing to show.
        await progress.cannotSign(reason).catch(() => undefined);
      }
    }
  }
}
