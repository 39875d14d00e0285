import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AppError } from '../errors/app-error.js';
import { type ContextualRequest, headerOf } from '../http/request-context.js';
import type { IdempotencyTicket } from './idempotency-ticket.js';
import { IdempotencyStore, type StoredResponse } from './idempotency.store.js';

const KEY = /^[\x21-\x7e]{1,255}$/;
const ANSWER_SEALER = 'pizzeria:idempotency:answer-sealer';

/** Turns an answer that holds a secret into what may be stored for replays, and back. */
export interface AnswerSealer {
  sealAnswer(body: unknown): unknown;
  openAnswer(stored: unknown): unknown;
}

/**
 * On a route whose answer holds a secret: the answer kept for replays (24
 * hours, in PostgreSQL) goes through the sealer, a provider of the app, so no
 * secret is stored in plaintext there either.
 */
export const SealStoredAnswer = (sealer: Type<AnswerSealer>) => SetMetadata(ANSWER_SEALER, sealer);

/**
 * Idempotency-Key on any POST (IETF httpapi idempotency-key draft): the first
 * request claims the key; the same key and body again gets the first answer back
 * and writes nothing; the same key with another body gets 422; while the first is
 * still running, 409. The answer is stored by the write itself, in the
 * transaction of its events, so a crash can't separate the two.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly modules: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<ContextualRequest>();
    const header = headerOf(req, 'idempotency-key');
    if (req.method !== 'POST' || header === undefined) return next.handle();
    return from(this.run(context, req, header, next));
  }

  private async run(context: ExecutionContext, req: ContextualRequest, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY.test(key)) throw AppError.validation(['Idempotency-Key must be 1 to 255 visible ASCII characters']);
    const res = context.switchToHttp().getResponse<FastifyReply>();
    const claim = await this.store.claim(key, fingerprint(req));
    const sealer = this.sealerOf(context);
    if (claim.kind === 'replay') {
      replay(res, claim.response);
      return sealer ? sealer.openAnswer(claim.response.body) : claim.response.body;
    }
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    const ticket: IdempotencyTicket = { key, lease: claim.lease, status, completed: false };
    req.idempotency = ticket;
    try {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      if (!ticket.completed) {
        await this.store.complete(key, { status, body: sealer ? sealer.sealAnswer(body) : body, headers: pickHeaders(res) });
      }
      return body;
    } catch (error) {
      if (!ticket.completed) await this.store.release(key, claim.lease);
      throw error;
    }
  }

  private sealerOf(context: ExecutionContext): AnswerSealer | undefined {
    const token = this.reflector.get<Type<AnswerSealer> | undefined>(ANSWER_SEALER, context.getHandler());
    return token ? this.modules.get(token, { strict: false }) : undefined;
  }
}

function fingerprint(req: ContextualRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${pathOf(req.url)}\n${canonical(req.body ?? null)}`)
    .digest('hex');
}

/** JSON with object keys sorted, so the same body in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function pickHeaders(res: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['etag', 'location']) {
    const value = res.getHeader(name);
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function replay(res: FastifyReply, stored: StoredResponse): void {
  res.code(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) res.header(name, value);
  res.header('Idempotent-Replayed', 'true');
}

/**
 * On every controller with a POST route: Idempotency-Key is honoured on any
 * POST (a test walks the registered routes to hold that). Not app-wide, so
 * reads skip Nest's interceptor pipeline altogether.
 */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
