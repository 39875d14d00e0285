import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { checkpointOf, type FeedEnvelope } from '../event-store/event-envelope.js';
import { EventFeed } from '../event-store/event-feed.js';
import { EventStore } from '../event-store/event-store.js';
import { LOG_START, compareCheckpoints, type LogCheckpoint, type RecordedEvent } from '../event-store/event-types.js';
import { LogCursor, StreamCursor, type SubscriptionCursor } from '../event-store/subscription/subscription-cursor.js';
import type { Subscription } from '../event-store/subscription/subscription.js';
import { isOrderId, isOrderStream, orderIdOf, orderStreamId } from '../orders/order-stream.js';
import { ReadRouter } from '../projections/read-router.js';
import { liveSubscription } from './live-subscription.js';
import { SseStream } from './sse-stream.js';
import { orderNotFound } from '../orders/domain/order-errors.js';

const HEARTBEAT_MS = 15_000;
/** Open streams per instance; each is cheap, but an unauthenticated client can open them. */
const MAX_STREAMS = 2_000;

/** One open stream's subscription, filed under the order it follows (none: the whole log). */
interface LiveClient {
  readonly streamId: string | undefined;
  readonly subscription: Subscription<unknown>;
}

/** What a client asks for: every event (staff) or one order's, after a global position or from now. */
export interface LiveRequest {
  readonly orderId?: string;
  /** The global position of the last event the client has (Last-Event-ID); undefined means from now on. */
  readonly after?: number;
}

/** The `data:` of every message on GET /events/stream. */
export interface LiveMessage {
  position: number;
  version: number;
  streamId: string;
  orderId: string | null;
  type: string;
  occurredAt: string;
  data: unknown;
}

export function toLiveMessage(event: RecordedEvent): LiveMessage {
  return {
    position: event.position,
    version: event.version,
    streamId: event.streamId,
    orderId: isOrderStream(event.streamId) ? orderIdOf(event.streamId) : null,
    type: event.type,
    occurredAt: event.occurredAt,
    data: event.event.data,
  };
}

/**
 * Serves live screens from the EventFeed, which delivers every
 * committed event in commit order (whichever instance wrote it), never from the
 * read-model tables. A resuming client is replayed from the store first; see
 * liveSubscription for how the two are joined without gaps or repeats.
 */
@Injectable()
export class LiveEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly everything = new Set<LiveClient>();
  private readonly byStream = new Map<string, Set<LiveClient>>();
  private readonly streams = new Set<SseStream>();
  private unsubscribeFeed: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: EventFeed,
    private readonly store: EventStore,
    private readonly reads: ReadRouter,
  ) {}

  onModuleInit(): void {
    this.unsubscribeFeed = this.feed.subscribe((envelope) => this.published(envelope));
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.comment('heartbeat');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribeFeed?.();
    clearInterval(this.heartbeat);
    this.disconnectAll();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Validates the request and, only if it is good, turns `res` into an event
   * stream. Errors are thrown before any header is sent, so they reach the
   * client in the contract's JSON shape.
   */
  async open(reply: FastifyReply, request: LiveRequest): Promise<void> {
    if (this.streams.size >= MAX_STREAMS) {
      throw new AppError('LIVE_STREAMS_EXHAUSTED', 'Too many live connections right now: try again shortly');
    }
    if (request.orderId !== undefined && !isOrderId(request.orderId)) throw orderNotFound(request.orderId);
    const streamId = request.orderId === undefined ? undefined : orderStreamId(request.orderId);

    const stream = new SseStream(reply.raw, replyHeaders(reply));
    const subscription: LiveClient = {
      streamId,
      subscription: liveSubscription(
        streamId,
        (event) => stream.event(event.position, toLiveMessage(event)),
        (error) => {
          this.logger.warn(`Live stream closed: ${error.message}`);
          stream.end();
        },
      ),
    };
    // Subscribed before the resume point is read: whatever is published meanwhile waits in its inbox.
    const from = this.feed.position;
    this.subscribe(subscription);
    let cursor: SubscriptionCursor<unknown>;
    try {
      cursor = streamId === undefined ? await this.logCursor(request.after, from) : await this.streamCursor(streamId, request.after);
    } catch (error) {
      this.unsubscribe(subscription);
      throw error;
    }
    if (stream.isClosed) {
      this.unsubscribe(subscription);
      return;
    }
    this.streams.add(stream);
    stream.onClose(() => {
      this.streams.delete(stream);
      this.unsubscribe(subscription);
    });
    // From here on the stream writes to the raw response itself, and Fastify leaves it alone.
    reply.hijack();
    stream.open();
    await subscription.subscription.start(cursor);
  }

  /** Ends every open stream; browsers reconnect by themselves and resume from their Last-Event-ID. */
  disconnectAll(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  private async logCursor(after: number | undefined, now: LogCheckpoint): Promise<LogCursor> {
    // The catch-up pages come from a replica when one serves (ReadRouter.readAll); the resume point from the primary.
    if (after === undefined) return new LogCursor(this.reads, now);
    if (after === 0) return new LogCursor(this.reads, LOG_START);
    const checkpoint = await this.store.checkpointAt(after);
    if (!checkpoint) throw unknownPosition(after);
    return new LogCursor(this.reads, checkpoint);
  }

  /**
   * "From now", for one order, is after the last event of its stream the store holds.
   * From the primary: an order's stream is a handful of rows, and a replica's copy of
   * it cannot tell that it is short without asking the primary anyway.
   */
  private async streamCursor(streamId: string, after: number | undefined): Promise<StreamCursor> {
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw orderNotFound(orderIdOf(streamId));
    if (after === undefined) return new StreamCursor(this.store, streamId, events[events.length - 1].version);
    if (after === 0) return new StreamCursor(this.store, streamId, 0);
    const own = events.find((event) => event.position === after);
    if (own) return new StreamCursor(this.store, streamId, own.version);
    // A position from outside this order: resume after every event of the order that precedes it in the log.
    const checkpoint = await this.store.checkpointAt(after);
    if (!checkpoint) throw unknownPosition(after);
    const before = events.filter((event) => compareCheckpoints(checkpointOf(event), checkpoint) <= 0);
    return new StreamCursor(this.store, streamId, before.length === 0 ? 0 : before[before.length - 1].version);
  }

  private published(envelope: FeedEnvelope): void {
    // A throw here would surface inside the feed's publish loop; each subscription copes on its own.
    try {
      for (const client of this.everything) client.subscription.offer(envelope);
      for (const client of this.byStream.get(envelope.streamId) ?? []) client.subscription.offer(envelope);
    } catch (error) {
      this.logger.error(`Offering an event to live streams failed: ${(error as Error).message}`);
    }
  }

  private subscribe(subscription: LiveClient): void {
    if (subscription.streamId === undefined) {
      this.everything.add(subscription);
      return;
    }
    const set = this.byStream.get(subscription.streamId) ?? new Set<LiveClient>();
    set.add(subscription);
    this.byStream.set(subscription.streamId, set);
  }

  private unsubscribe(subscription: LiveClient): void {
    void subscription.subscription.stop();
    if (subscription.streamId === undefined) {
      this.everything.delete(subscription);
      return;
    }
    const set = this.byStream.get(subscription.streamId);
    set?.delete(subscription);
    if (set?.size === 0) this.byStream.delete(subscription.streamId);
  }
}

function unknownPosition(position: number): AppError {
  return AppError.validation([`Last-Event-ID ${position} is not the position of a stored event`]);
}

/** The headers Fastify holds for the reply (helmet's, X-Correlation-Id): a hijacked reply would drop them. */
function replyHeaders(reply: FastifyReply): Record<string, string | number | string[]> {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  return headers;
}
