import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventStore1763800000000 implements MigrationInterface {
  name = 'CreateEventStore1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE events (
        position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id        uuid        NOT NULL,
        stream_id       text        NOT NULL,
        version         integer     NOT NULL CHECK (version > 0),
        type            text        NOT NULL,
        schema_version  integer     NOT NULL CHECK (schema_version > 0),
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
        occurred_at     timestamptz NOT NULL,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
      )`);
    // Catch-up readers page through the log in (transaction_id, position) order.
    await db.query(`CREATE INDEX events_transaction_position_idx ON events (transaction_id, position)`);
    await db.query(`CREATE INDEX events_occurred_at_idx ON events (occurred_at)`);
    await db.query(`
      CREATE TABLE snapshots (
        stream_id       text        PRIMARY KEY,
        version         integer     NOT NULL,
        type            text        NOT NULL,
        schema_version  integer     NOT NULL,
        state           jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // One notification per appending statement, delivered by PostgreSQL on commit:
    // subscribers wake up instead of polling, and a rolled-back append wakes nobody.
    await db.query(`
      CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('events_appended', '');
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER events_appended AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS events_appended ON events`);
    await db.query(`DROP FUNCTION IF EXISTS notify_events_appended()`);
    await db.query(`DROP TABLE IF EXISTS snapshots`);
    await db.query(`DROP TABLE IF EXISTS events`);
  }
}
