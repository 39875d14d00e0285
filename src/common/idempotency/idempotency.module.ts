import { Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';
import { IdempotentWrite } from './idempotent-write.js';

/**
 * Idempotency-Key on every POST: the store of keys and answers, the interceptor
 * every controller with a POST route uses (@Idempotent), and the unit of work
 * that stores a write's answer in the write's own transaction. Imported by each
 * module with such a controller.
 */
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor, IdempotentWrite],
  exports: [IdempotencyStore, IdempotencyInterceptor, IdempotentWrite],
})
export class IdempotencyModule {}
