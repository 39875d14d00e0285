import { Global, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { EventDataCodec } from '../event-store/event-data-codec.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { normalisePhoneNumber } from '../orders/domain/phone-number.js';
import { CustomerErasure } from './customer-erasure.js';
import { CustomerExporter } from './customer-export.js';
import { CustomersAdminController } from './customers-admin.controller.js';
import { ErasureListener } from './erasure-listener.js';
import { ExistingEventsSealer } from './existing-events-sealer.js';
import { openKeyring } from './keyring.js';
import { loadMasterKey } from './master-key.js';
import { CUSTOMER_DATA_ERASED_SCHEMAS, CustomerDataErased } from './personal-data-events.js';
import { PersonalData } from './personal-data.js';
import { RetentionTask } from './retention.js';

/** The shortest a key stays cached: a read-your-writes timeout of 0 still lets a page's keys serve the page. */
const MIN_CACHE_TTL_MS = 1_000;

/** Opens the keyring with the master key, or stops the app with a clear message. */
export async function personalDataFor(db: Database, config: AppConfig): Promise<PersonalData> {
  const { key, file } = await loadMasterKey(config.piiMasterKey, config.piiMasterKeyFile, config.nodeEnv === 'production');
  if (file) new Logger('PersonalData').warn(`No PII_MASTER_KEY set: personal data is wrapped with the key kept in ${file}`);
  const keyring = await openKeyring(db, key, file ? `The master key in ${file}` : 'PII_MASTER_KEY');
  return new PersonalData(db, keyring, {
    cacheTtlMs: Math.max(MIN_CACHE_TTL_MS, config.readYourWritesTimeoutMs),
    normalisePhone: (phone) => normalisePhoneNumber(phone, config.phoneDefaultRegion),
  });
}

/**
 * Customers' personal data: sealed in events and snapshots (PersonalData, the
 * event store's codec), erased, exported and aged out. Global, as the event
 * store that uses it is.
 */
@Global()
@Module({
  controllers: [CustomersAdminController],
  providers: [
    { provide: PersonalData, inject: [Database, AppConfig], useFactory: personalDataFor },
    { provide: EventDataCodec, useExisting: PersonalData },
    CustomerErasure,
    CustomerExporter,
    ErasureListener,
    RetentionTask,
    ExistingEventsSealer,
  ],
  exports: [PersonalData, EventDataCodec, CustomerErasure, CustomerExporter, RetentionTask, ExistingEventsSealer],
})
export class PersonalDataModule implements OnModuleInit {
  constructor(private readonly registry: EventRegistry) {}

  onModuleInit(): void {
    this.registry.register(CustomerDataErased, {}, CUSTOMER_DATA_ERASED_SCHEMAS);
  }
}
