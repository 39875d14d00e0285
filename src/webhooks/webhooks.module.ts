import { Logger, Module } from '@nestjs/common';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { SecretCipher } from './secrets/secret-cipher.js';
import { loadWebhookSecretKeys } from './secrets/webhook-secret-keys.js';
import { WebhookSecretStore } from './secrets/webhook-secret-store.js';
import { WebhooksAdminController } from './webhooks-admin.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks, each delivered from the event log by a subscription of its own; their secrets encrypted at rest. */
@Module({
  imports: [IdempotencyModule],
  controllers: [WebhooksAdminController],
  providers: [
    {
      provide: SecretCipher,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const { keys, file } = await loadWebhookSecretKeys(config);
        if (file)
          new Logger('WebhookSecrets').warn(`No WEBHOOK_SECRET_KEYS set: webhook secrets are encrypted with the key kept in ${file}`);
        return new SecretCipher(keys);
      },
    },
    {
      provide: WebhookSecretStore,
      inject: [Database, SecretCipher],
      useFactory: (db: Database, cipher: SecretCipher) => new WebhookSecretStore(db, cipher),
    },
    WebhooksService,
  ],
  exports: [WebhookSecretStore],
})
export class WebhooksModule {}
