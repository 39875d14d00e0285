import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models and the checkpoints of the projections that keep them. Indexes are
 * left unnamed on purpose: a rebuild copies a table with LIKE … INCLUDING ALL and
 * swaps it in by renaming, and PostgreSQL then picks fresh names for the copy's indexes.
 */
export class CreateReadModels1763800001000 implements MigrationInterface {
  name = 'CreateReadModels1763800001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE projection_checkpoints (
        name            text PRIMARY KEY,
        transaction_id  xid8        NOT NULL DEFAULT '0',
        position        bigint      NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE order_details (
        order_id            uuid PRIMARY KEY,
        status              text        NOT NULL,
        payment_status      text        NOT NULL,
        fulfilment          text        NOT NULL,
        customer            jsonb       NOT NULL,
        phone_digits        text        NOT NULL,
        items               jsonb       NOT NULL,
        notes               text,
        subtotal_cents      integer     NOT NULL,
        discount_code       text,
        discount_cents      integer     NOT NULL DEFAULT 0,
        total_cents         integer     NOT NULL,
        paid_cents          integer     NOT NULL DEFAULT 0,
        refunded_cents      integer     NOT NULL DEFAULT 0,
        payment_method      text,
        kitchen_notes       text,
        courier             text,
        cancellation_reason text,
        placed_at           timestamptz NOT NULL,
        confirmed_at        timestamptz,
        estimated_ready_at  timestamptz,
        updated_at          timestamptz NOT NULL,
        version             integer     NOT NULL,
        last_position       bigint      NOT NULL
      )`);
    await db.query(`CREATE INDEX ON order_details (placed_at DESC, order_id DESC)`);
    await db.query(`CREATE INDEX ON order_details (status, placed_at DESC, order_id DESC)`);
    await db.query(`CREATE INDEX ON order_details (phone_digits, placed_at DESC, order_id DESC)`);
    await db.query(`
      CREATE TABLE kitchen_queue (
        order_id            uuid PRIMARY KEY,
        status              text        NOT NULL,
        fulfilment          text        NOT NULL,
        customer_name       text        NOT NULL,
        items               jsonb       NOT NULL,
        notes               text,
        kitchen_notes       text,
        payment_status      text        NOT NULL,
        placed_at           timestamptz NOT NULL,
        confirmed_at        timestamptz,
        cooking_started_at  timestamptz,
        estimated_ready_at  timestamptz,
        version             integer     NOT NULL
      )`);
    await db.query(`CREATE INDEX ON kitchen_queue (confirmed_at, order_id) WHERE status IN ('CONFIRMED', 'COOKING')`);
    await db.query(`
      CREATE TABLE analytics_orders (
        order_id        uuid PRIMARY KEY,
        day             date    NOT NULL,
        confirmed       boolean NOT NULL DEFAULT false,
        cancelled       boolean NOT NULL DEFAULT false,
        paid            boolean NOT NULL DEFAULT false,
        version         integer NOT NULL
      )`);
    await db.query(`
      CREATE TABLE analytics_daily (
        day             date PRIMARY KEY,
        orders          integer NOT NULL DEFAULT 0,
        confirmed       integer NOT NULL DEFAULT 0,
        cancelled       integer NOT NULL DEFAULT 0,
        paid_orders     integer NOT NULL DEFAULT 0,
        revenue_cents   bigint  NOT NULL DEFAULT 0
      )`);
    await db.query(`
      CREATE TABLE analytics_pizzas (
        day             date    NOT NULL,
        pizza_id        text    NOT NULL,
        name            text    NOT NULL,
        quantity        integer NOT NULL DEFAULT 0,
        PRIMARY KEY (day, pizza_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'analytics_pizzas',
      'analytics_daily',
      'analytics_orders',
      'kitchen_queue',
      'order_details',
      'projection_checkpoints',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
