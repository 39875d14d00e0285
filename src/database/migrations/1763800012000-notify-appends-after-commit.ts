import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events_appended notification moves out of the appending transaction: the
 * event store sends it once an append has committed (EventStore.announceAppended).
 * PostgreSQL holds one cluster-wide lock from a notifying transaction's pre-commit
 * to the end of its commit, WAL flush included, so with the trigger every append
 * committed alone, one flush after another, and concurrent appends could never
 * share a flush. Readers still poll for writers that do not announce.
 */
export class NotifyAppendsAfterCommit1763800012000 implements MigrationInterface {
  name = 'NotifyAppendsAfterCommit1763800012000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS events_appended ON events`);
    await db.query(`DROP FUNCTION IF EXISTS notify_events_appended()`);
  }

  async down(db: QueryRunner): Promise<void> {
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
}
