import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { EventStore } from '../event-store/event-store.js';
import { PersonalData } from './personal-data.js';

export interface ExportedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly metadata: unknown;
  readonly data: unknown;
}

export interface ExportedStream {
  readonly streamId: string;
  /** When this stream's personal data was first stored (its key was made). */
  readonly keptSince: string;
  readonly events: ExportedEvent[];
}

export interface CustomerExport {
  readonly exportedAt: string;
  /** The phone number the export was asked for, normalised: what the customer is known by. */
  readonly phone: string;
  readonly streams: ExportedStream[];
}

/**
 * Everything the log holds about a customer (GDPR art. 15): each stream that
 * has one of their keys, with every event of it, personal fields opened, and
 * when each was recorded. The read models hold nothing the log does not: they
 * are projections of these events. Streams erased before have no key left and
 * are not listed: nothing about the customer is readable in them any more.
 */
@Injectable()
export class CustomerExporter {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  async exportByPhone(phone: string, normalised: string, progress?: (done: number, total: number) => void): Promise<CustomerExport> {
    const rows = await this.db.query<{ stream_id: string; kept_since: Date }>(
      `SELECT e.stream_id, min(k.created_at) AS kept_since
         FROM personal_data_keys k JOIN events e ON e.event_id = k.key_id
        WHERE k.customer_index = $1
        GROUP BY e.stream_id ORDER BY min(k.created_at), e.stream_id`,
      [this.personalData.customerIndex(phone)],
    );
    const streams: ExportedStream[] = [];
    for (const [i, row] of rows.entries()) {
      const events = await this.store.readStream(row.stream_id);
      streams.push({
        streamId: row.stream_id,
        keptSince: row.kept_since.toISOString(),
        events: events.map((recorded) => ({
          eventId: recorded.eventId,
          type: recorded.type,
          version: recorded.version,
          position: recorded.position,
          occurredAt: recorded.occurredAt,
          metadata: recorded.metadata,
          data: recorded.event.data,
        })),
      });
      progress?.(i + 1, rows.length);
    }
    return { exportedAt: new Date().toISOString(), phone: normalised, streams };
  }
}
