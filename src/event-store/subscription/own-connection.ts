import type { PoolClient } from 'pg';
import type { Database } from '../../database/database.js';

/**
 * A pooled connection a subscription holds for as long as it runs here, so its
 * reads and writes never queue behind the requests waiting for the pool. A lost
 * connection is noticed by the next statement on it, not by an 'error' event.
 */
export function takeConnection(db: Database): Promise<PoolClient> {
  return db.checkout(() => undefined);
}

export async function answers(connection: PoolClient): Promise<boolean> {
  try {
    await connection.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Back to the pool only if it still answers; otherwise ended. */
export async function giveBack(connection: PoolClient): Promise<void> {
  connection.release(!(await answers(connection)));
}

/** A cursor's position for a log line: a log checkpoint or a stream version. */
export function describePosition(position: unknown): string {
  if (position && typeof position === 'object' && 'position' in position) return `position ${(position as { position: number }).position}`;
  return position === undefined ? 'the start' : `version ${String(position)}`;
}
