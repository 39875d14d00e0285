import type { AppConfig } from '../config/app-config.js';
import type { Database } from '../database/database.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EventStore } from '../event-store/event-store.js';
import { normalisePhoneNumber } from '../orders/domain/phone-number.js';
import { registerOrderEvents, registerOrderPersonalData } from '../orders/order-stream.js';
import { CustomerErasure } from '../personal-data/customer-erasure.js';
import { CustomerExporter } from '../personal-data/customer-export.js';
import { CUSTOMER_DATA_ERASED_SCHEMAS, CustomerDataErased } from '../personal-data/personal-data-events.js';
import { personalDataFor } from '../personal-data/personal-data.module.js';
import type { PersonalData } from '../personal-data/personal-data.js';
import { UsageError } from './cli-app.js';

export interface PersonalDataTools {
  readonly personalData: PersonalData;
  readonly store: EventStore;
  readonly erasure: CustomerErasure;
  readonly exporter: CustomerExporter;
  /** The phone number in E.164, or a UsageError naming it. */
  normalised(phone: string): string;
}

/**
 * What the personal-data tasks need, on the database alone (no projection or
 * webhook runs in the task's process): the keyring opened with the app's
 * master key, the event types and their personal fields, the erasure and the
 * export. The app's instances learn of an erasure from their event feed.
 */
export async function personalDataTools(config: AppConfig, db: Database): Promise<PersonalDataTools> {
  const personalData = await personalDataFor(db, config);
  registerOrderPersonalData(personalData);
  const registry = new EventRegistry();
  registerOrderEvents(registry);
  registry.register(CustomerDataErased, {}, CUSTOMER_DATA_ERASED_SCHEMAS);
  const store = new EventStore(db, registry, personalData);
  return {
    personalData,
    store,
    erasure: new CustomerErasure(db, store, personalData),
    exporter: new CustomerExporter(db, store, personalData),
    normalised(phone) {
      const normalised = normalisePhoneNumber(phone, config.phoneDefaultRegion);
      if (!normalised)
        throw new UsageError(`"${phone}" is not a phone number (without a +country code it is read in ${config.phoneDefaultRegion})`);
      return normalised;
    },
  };
}
