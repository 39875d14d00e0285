import { Injectable, Logger } from '@nestjs/common';
import pg from 'pg';
import { Database } from '../database/database.js';

type Listener = (payload: string) => void;

export const EVENTS_APPENDED = 'events_appended';
export const PROJECTION_PROGRESS = 'projection_progress';

/**
 * One LISTEN connection per app instance. PostgreSQL delivers a notification on
 * commit, so subscribers wake when there is something to read, whichever
 * instance wrote it. Readers keep a slow poll besides, for notifications lost
 * while this connection was down.
 */
@Injectable()
export class LogNotifier {
  private readonly logger = new Logger(LogNotifier.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 100;

  constructor(private readonly db: Database) {}

  on(channel: string, listener: Listener): () => void {
    const set = this.listeners.get(channel) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(channel, set);
    return () => set.delete(listener);
  }

  /** Wakes this instance's own listeners at once, without a round trip through PostgreSQL. */
  emitLocal(channel: string, payload = ''): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(payload);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const options = this.db.pool.options;
    const client = new pg.Client({ ...options, application_name: 'pizzeria-listener' });
    client.on('notification', (message) => this.emitLocal(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_APPENDED}`);
      await client.query(`LISTEN ${PROJECTION_PROGRESS}`);
      this.client = client;
      this.reconnectDelayMs = 100;
      // Whatever was notified while we were away must be read now.
      this.emitLocal(EVENTS_APPENDED);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error as Error);
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    this.client = undefined;
    if (error) this.logger.warn(`LISTEN connection lost: ${error.message}; reconnecting`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 5_000);
  }
}
