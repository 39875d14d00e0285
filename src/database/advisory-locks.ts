import type { OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';

/** How often a held lock's connection is checked: one that died quietly is only noticed when used. */
const DEFAULT_PING_MS = 2_000;

/**
 * Single-leader ownership across app instances: session-level PostgreSQL
 * advisory locks, all held on one connection of their own (outside the pool, so
 * requests never wait for it and the number of locks does not eat the pool). If
 * the connection goes, PostgreSQL releases every lock on it and another instance
 * may take them: every holder here is told at once to stand down.
 *
 * A lock is re-entrant within its session, so one AdvisoryLocks answers for one
 * instance: two holders of the same name in one process need two of them.
 */
export class AdvisoryLocks implements OnApplicationShutdown {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly lostListeners = new Set<() => void>();
  private readonly held = new Set<string>();
  private closed = false;
  private pinger: NodeJS.Timeout | undefined;
  /** The connection's statements, one after another: pg will stop queueing them itself (pg@9). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: pg.ClientConfig,
    private readonly pingMs = DEFAULT_PING_MS,
  ) {}

  /** Called when the connection, and with it every lock, is lost. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async tryLock(name: string): Promise<boolean> {
    // Held here already (by another holder in this process): the session would take it again.
    if (this.held.has(name)) return false;
    this.held.add(name);
    try {
      const client = await this.connection();
      const { rows } = await this.inTurn(() =>
        client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name]),
      );
      if (!rows[0].locked) this.held.delete(name);
      else this.keepChecking();
      return rows[0].locked;
    } catch (error) {
      this.held.delete(name);
      throw error;
    }
  }

  async unlock(name: string): Promise<void> {
    if (!this.held.delete(name)) return;
    const client = this.client;
    if (!client) return;
    await this.inTurn(() => client.query('SELECT pg_advisory_unlock(hashtext($1))', [name])).catch(() => undefined);
  }

  /** After every module has stopped (and given its locks back). */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pinger);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.held.clear();
    await client?.end().catch(() => undefined);
  }

  private keepChecking(): void {
    if (this.pinger) return;
    this.pinger = setInterval(() => {
      const client = this.client;
      if (!client || this.held.size === 0) return;
      this.inTurn(() => client.query('SELECT 1')).catch(() => this.lost(client));
    }, this.pingMs);
    this.pinger.unref();
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.tail.then(statement, statement);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('The advisory lock connection is closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.options, application_name: 'pizzeria-locks' });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('The advisory lock connection is closed');
    }
    this.client = client;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.held.clear();
    void client.end().catch(() => undefined);
    if (this.closed) return;
    for (const listener of this.lostListeners) listener();
  }
}
