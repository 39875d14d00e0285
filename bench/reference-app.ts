import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  ValidationPipe,
  type OnModuleDestroy,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PlaceOrderDto } from '../src/orders/commands/dto/place-order.dto.js';

/**
 * The same-work reference the benchmark measures the app against: the least a
 * NestJS service can do for the same requests. NestJS 12 on Fastify, the
 * app's own PlaceOrderDto through class-validator's ValidationPipe, and one
 * statement per request on a pool of the app's size: POST /orders is one
 * INSERT of an event-shaped row (its commit durable, as the app's), GET
 * /orders/:id one SELECT by key, GET /orders?status= one SELECT of the newest
 * 20 of a type. No event sourcing, projections, logging or security headers:
 * what the app does beyond this is the price of its features.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS reference_events (
    position   bigserial PRIMARY KEY,
    stream_id  uuid NOT NULL,
    version    integer NOT NULL,
    type       text NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, version)
  );
  CREATE INDEX IF NOT EXISTS reference_events_type ON reference_events (type, position DESC);`;

@Injectable()
class ReferenceStore implements OnModuleDestroy {
  // Connections are kept (no idle timeout), as the app's: a backend that exits takes its CPU time out of the bench's PostgreSQL figure.
  readonly pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_SIZE ?? 10),
    idleTimeoutMillis: 0,
  });

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }
}

@Controller('orders')
class ReferenceController {
  constructor(private readonly store: ReferenceStore) {}

  @Post()
  @HttpCode(201)
  async place(@Body() body: PlaceOrderDto) {
    const orderId = randomUUID();
    const { rows } = await this.store.pool.query<{ position: string }>({
      name: 'reference-insert',
      text: 'INSERT INTO reference_events (stream_id, version, type, data) VALUES ($1, 1, $2, $3) RETURNING position',
      values: [orderId, 'OrderPlaced', JSON.stringify(body)],
    });
    return { orderId, version: 1, position: Number(rows[0].position) };
  }

  @Get(':id')
  async one(@Param('id', ParseUUIDPipe) id: string) {
    const { rows } = await this.store.pool.query({
      name: 'reference-by-id',
      text: 'SELECT stream_id, version, type, data FROM reference_events WHERE stream_id = $1 AND version = 1',
      values: [id],
    });
    if (!rows[0]) throw new NotFoundException();
    return { orderId: rows[0].stream_id, version: rows[0].version, ...rows[0].data };
  }

  @Get()
  async list(@Query('status') status = 'OrderPlaced') {
    const { rows } = await this.store.pool.query({
      name: 'reference-list',
      text: 'SELECT stream_id, version, data FROM reference_events WHERE type = $1 ORDER BY position DESC LIMIT 20',
      values: [status === 'PENDING' ? 'OrderPlaced' : status],
    });
    return { items: rows.map((row) => ({ orderId: row.stream_id, version: row.version, ...row.data })), nextCursor: null };
  }
}

@Module({ controllers: [ReferenceController], providers: [ReferenceStore] })
class ReferenceModule {}

const app = await NestFactory.create<NestFastifyApplication>(ReferenceModule, new FastifyAdapter(), { logger: ['error'] });
app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
await app.get(ReferenceStore).pool.query(SCHEMA);
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
