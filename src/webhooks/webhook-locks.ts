import pg from 'pg';

/** The first key of every webhook's advisory lock, so they can not collide with other locks of the app. */
const WEBHOOK_LOCK_SPACE = 0x57484b31;

/**
 * Which webhooks this instance delivers for: a session-level advisory lock per
 * webhook, all held on one connection of its own (outside the pool, so the
 * API never waits for it and the number of webhooks does not eat the pool).
 * If the connection goes, PostgreSQL releases every lock on it, another
 * instance may take them, and the workers here are told to stand down.
 */
export class WebhookLocks {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly lostListeners = new Set<() => void>();
  private closed = false;
  /** The connection's statements, one after another: pg will stop queueing them itself (pg@9). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: pg.ClientConfig) {}

  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async tryLock(webhookId: string): Promise<boolean> {
    const client = await this.connection();
    const { rows } = await this.inTurn(() =>
      client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [WEBHOOK_LOCK_SPACE, webhookId]),
    );
    return rows[0].locked;
  }

  async unlock(webhookId: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    await this.inTurn(() => client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [WEBHOOK_LOCK_SPACE, webhookId])).catch(() => undefined);
  }

  /** A connection that died quietly is only noticed when used: the service pings it on every tick. */
  async ping(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await this.inTurn(() => client.query('SELECT 1'));
    } catch {
      this.lost(client);
    }
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.tail.then(statement, statement);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('The webhook lock connection is closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.options, application_name: 'pizzeria-webhook-locks' });
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
      throw new Error('The webhook lock connection is closed');
    }
    this.client = client;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    for (const listener of this.lostListeners) listener();
  }
}
