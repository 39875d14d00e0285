import { CreateEventStore1763800000000 } from './1763800000000-create-event-store.js';
import { CreateReadModels1763800001000 } from './1763800001000-create-read-models.js';
import { CreateIdempotencyKeys1763800005000 } from './1763800005000-create-idempotency-keys.js';
import { CreateWebhooks1763800008000 } from './1763800008000-create-webhooks.js';
import { NotifyAppendsAfterCommit1763800012000 } from './1763800012000-notify-appends-after-commit.js';
import { AdvanceProjectionCheckpoint1763800013000 } from './1763800013000-advance-projection-checkpoint.js';
import { DropEventsOccurredAtIndex1763800014000 } from './1763800014000-drop-events-occurred-at-index.js';
import { OrderDetailsPhoneSuffixIndex1763800015000 } from './1763800015000-order-details-phone-suffix-index.js';
import { WebhookSecretRotation1763800016000 } from './1763800016000-webhook-secret-rotation.js';
import { CreateStaffAccounts1763800020000 } from './1763800020000-create-staff-accounts.js';
import { CreateStaffSessions1763800030000 } from './1763800030000-create-staff-sessions.js';
import { CreatePersonalDataKeys1763800040000 } from './1763800040000-create-personal-data-keys.js';
import { EventsAppendOnly1763800041000 } from './1763800041000-events-append-only.js';

/** Listed explicitly rather than globbed, so the same list works from src under Jest and from dist. */
export const MIGRATIONS = [
  CreateEventStore1763800000000,
  CreateReadModels1763800001000,
  CreateIdempotencyKeys1763800005000,
  CreateWebhooks1763800008000,
  NotifyAppendsAfterCommit1763800012000,
  AdvanceProjectionCheckpoint1763800013000,
  DropEventsOccurredAtIndex1763800014000,
  OrderDetailsPhoneSuffixIndex1763800015000,
  WebhookSecretRotation1763800016000,
  CreateStaffAccounts1763800020000,
  CreateStaffSessions1763800030000,
  CreatePersonalDataKeys1763800040000,
  EventsAppendOnly1763800041000,
];
