import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { WriteResult } from './order-command-runner.js';

/** The one place an order write's headers are made: its version as the ETag, and for a new order where to read it. */
export function writtenOrderHeaders(result: WriteResult, created: boolean): Record<string, string> {
  return created ? { etag: `"${result.version}"`, location: `/orders/${result.orderId}` } : { etag: `"${result.version}"` };
}

/**
 * Sets those headers on every answer of the order command routes, fresh or
 * replayed for an Idempotency-Key (it wraps the idempotency interceptor), from
 * the body alone: so the stored answer needs no headers of its own.
 */
@Injectable()
export class WrittenOrderHeaders implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const created = (this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED) === HttpStatus.CREATED;
    return next.handle().pipe(
      map((result: WriteResult) => {
        const headers = writtenOrderHeaders(result, created);
        for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
        return { orderId: result.orderId, version: result.version, position: result.position };
      }),
    );
  }
}
