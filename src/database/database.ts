import { Injectable } from '@nestjs/common';
import pg, { type Pool, type PoolClient, type QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

// A calendar date stays the 'YYYY-MM-DD' it is, instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Queryable = Pick<PoolClient, 'query'>;

/**
 * Raw SQL on the pool TypeORM already owns. TypeORM keeps the connection and the
 * migrations; the hot paths (append, read, projections) speak SQL directly.
 */
@Injectable()
export class Database {
  readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<R extends QueryResultRow = any>(text: string, params: unknown[] = [], executor?: Queryable): Promise<R[]> {
    const result = await (executor ?? this.pool).query<R>(text, params);
    return result.rows;
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
