import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events table had no append-only guard: nothing but convention kept an
 * UPDATE or DELETE off it. From here on a trigger refuses both, with one
 * sanctioned exception, the in-place sealing of personal fields written before
 * crypto-shredding (ExistingEventsSealer): a transaction that sets
 * pizzeria.history_rewrite = 'seal-personal-data' may change an event's `data`
 * and nothing else (id, stream, version, position, type, schema version,
 * metadata, time and transaction id are compared). A DELETE is always refused.
 * Row triggers cost an INSERT nothing.
 */
export class EventsAppendOnly1763800041000 implements MigrationInterface {
  name = 'EventsAppendOnly1763800041000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND current_setting('pizzeria.history_rewrite', true) = 'seal-personal-data'
           AND NEW.position = OLD.position AND NEW.event_id = OLD.event_id AND NEW.stream_id = OLD.stream_id
           AND NEW.version = OLD.version AND NEW.type = OLD.type AND NEW.schema_version = OLD.schema_version
           AND NEW.metadata = OLD.metadata AND NEW.occurred_at = OLD.occurred_at AND NEW.transaction_id = OLD.transaction_id THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'events are append-only: % of the event at position % refused', TG_OP, OLD.position
          USING ERRCODE = 'PZ002';
      END $$`);
    await db.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS events_append_only ON events`);
    await db.query(`DROP FUNCTION IF EXISTS events_append_only()`);
  }
}
