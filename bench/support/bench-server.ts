import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.js';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
}

/**
 * The PostgreSQL the bench runs on: DATABASE_URL's server when it is set,
 * else an embedded one with its data in .data/bench-postgres. Every phase
 * gets a fresh `pizzeria_bench_<random>_<phase>` database, dropped at the end.
 */
export class BenchServer {
  private readonly created: string[] = [];
  private preloaded = false;
  private readonly runId = randomBytes(4).toString('hex');

  private constructor(
    private adminUrl: URL,
    private embedded: EmbeddedPostgresServer | undefined,
    readonly description: string,
    private readonly dataDir?: string,
  ) {}

  static async open(log: (line: string) => void): Promise<BenchServer> {
    const given = process.env.DATABASE_URL?.trim();
    if (given) {
      const url = new URL(given);
      return new BenchServer(url, undefined, `DATABASE_URL server ${url.host}`);
    }
    const dataDir = resolve(process.cwd(), '.data/bench-postgres');
    const embedded = await EmbeddedPostgresServer.start({ dataDir, preferredPort: 54349, log });
    return new BenchServer(new URL(embedded.url('postgres')), embedded, 'embedded PostgreSQL', dataDir);
  }

  async createDatabase(phase: string): Promise<BenchDatabase> {
    const name = `pizzeria_bench_${this.runId}_${phase}`;
    await this.admin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
    this.created.push(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  }

  async dropDatabase(name: string): Promise<void> {
    await this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
    this.created.splice(this.created.indexOf(name), 1);
  }

  async version(): Promise<string> {
    return this.admin(async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  }

  /** Whether pg_stat_statements is loaded, so a profiling run can read it. */
  async hasStatStatements(): Promise<boolean> {
    return this.admin(async (client) => {
      const { rows } = await client.query<{ shared_preload_libraries: string }>('SHOW shared_preload_libraries');
      return rows[0].shared_preload_libraries
        .split(',')
        .map((s) => s.trim())
        .includes('pg_stat_statements');
    });
  }

  /**
   * Makes sure pg_stat_statements is loaded for a profiling run: on the embedded
   * server by preloading it and restarting, which lasts until `close`.
   */
  async enableStatStatements(log: (line: string) => void): Promise<boolean> {
    if (await this.hasStatStatements()) return true;
    if (!this.embedded || this.embedded.adopted) return false;
    await this.admin((client) => client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`));
    await this.restart(log);
    this.preloaded = true;
    return this.hasStatStatements();
  }

  async close(): Promise<void> {
    if (this.preloaded) {
      await this.admin((client) => client.query('ALTER SYSTEM RESET shared_preload_libraries')).catch(() => undefined);
    }
    for (const name of [...this.created]) await this.dropDatabase(name).catch(() => undefined);
    if (this.embedded && !this.embedded.adopted) await this.embedded.stop();
  }

  private async restart(log: (line: string) => void): Promise<void> {
    await this.embedded!.stop();
    this.embedded = await EmbeddedPostgresServer.start({ dataDir: this.dataDir!, preferredPort: this.embedded!.port, log });
    this.adminUrl = new URL(this.embedded.url('postgres'));
  }

  private async admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.adminUrl.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
