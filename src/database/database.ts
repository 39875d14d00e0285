import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import pg, { type Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

// A calendar date stays the 'YYYY-MM-DD' it is, instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Queryable = Pick<PoolClient, 'query'>;

const statementNames = new Map<string, string>();

/**
 * The pg pool TypeORM opened: PostgresDriver's documented `master` (the pool of
 * the primary). One pool for TypeORM's migrations and the app's own SQL.
 */
export function poolOf(dataSource: DataSource): Pool {
  const master = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  if (!master) throw new Error('The data source has no PostgreSQL pool: is it initialised, and of type postgres?');
  return master;
}

/**
 * The query as a named statement: each connection parses and plans it once,
 * then only binds and runs it. For the hot paths' fixed SQL, not for one-offs.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `pizzeria_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/**
 * Raw SQL on the pool TypeORM already owns. TypeORM keeps the connection and the
 * migrations; the hot paths (append, read, projections) speak SQL directly.
 */
@Injectable()
export class Database {
  readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = poolOf(dataSource);
  }

  // Rows are whatever the SQL selects: a caller that reads them names their type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query<R extends QueryResultRow = any>(text: string, params: unknown[] = [], executor?: Queryable): Promise<R[]> {
    const result = await (executor ?? this.pool).query<R>(text, params);
    return result.rows;
  }

  /** `query` as a named statement (see `prepared`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async prepared<R extends QueryResultRow = any>(text: string, params: unknown[], executor?: Queryable): Promise<R[]> {
    const result = await (executor ?? this.pool).query<R>(prepared(text, params));
    return result.rows;
  }

  /**
   * A connection of the caller's own, with `onError` listening from the moment it
   * is lent. The pool stops listening to a client it lends out, and a connection the
   * server ends (a restart, an operator) reports it as an 'error' event, which
   * unheard crashes the process. With `await pool.connect()` the caller's listener
   * would come a tick late: a FATAL that arrives in the same packet as a new
   * connection's ReadyForQuery is emitted before it. `release()` stops it listening.
   */
  checkout(onError: (error: Error) => void): Promise<PoolClient> {
    return new Promise((resolve, reject) => {
      this.pool.connect((error, client) => {
        if (error || !client) return reject(error ?? new Error('The pool lent no connection'));
        client.on('error', onError);
        // The listener goes with the loan: release() takes it off, so a pooled
        // connection does not collect one listener per checkout.
        const release = client.release;
        client.release = (destroy?: boolean | Error) => {
          client.removeListener('error', onError);
          client.release = release;
          release.call(client, destroy);
        };
        resolve(client);
      });
    });
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    // A connection lost between two statements: the next one fails and tells the caller.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    const client = await this.checkout(onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(lost);
    }
  }
}
