import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../common/http/may-be-omitted.js';
import type { FastifyReply } from 'fastify';
import { Authenticator, NO_CREDENTIALS } from '../common/auth/authenticator.js';
import { type ContextualRequest, headerOf } from '../common/http/request-context.js';
import { credentialsRefused } from '../common/auth/staff.guard.js';
import { StaffOptional } from '../common/auth/staff.guard.js';
import { AppError } from '../common/errors/app-error.js';
import { ApiReadErrors } from '../common/errors/api-error-responses.js';
import { LiveEventsService } from './live-events.service.js';

export class LiveStreamQueryDto {
  @ApiPropertyOptional({
    description: "Only this order's events; no staff token needed",
    format: 'uuid',
    example: '0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b',
  })
  @MayBeOmitted()
  @IsString()
  @MaxLength(64)
  orderId?: string;

  /**
   * The staff token, for this route only: a browser's EventSource cannot send an
   * Authorization header. The stream only reads, and header-capable clients
   * should keep using the header, which wins when both are sent.
   */
  @ApiPropertyOptional({
    description: 'The staff token, for EventSource, which cannot send an Authorization header',
    example: 'your-staff-token',
  })
  @MayBeOmitted()
  @IsString()
  @MaxLength(512)
  token?: string;

  /** Fallback for Last-Event-ID, for a first connection that already holds a position (e.g. from a timeline). */
  @ApiPropertyOptional({
    description: 'Resume after this global position when no Last-Event-ID header is sent (0: from the start)',
    example: 1042,
  })
  @MayBeOmitted()
  @Type(() => Number)
  @IsInt({ message: 'lastEventId must be a whole number: the position of the last event the client has' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  lastEventId?: number;
}

const POSITION = /^\d{1,15}$/;

const MESSAGE_EXAMPLE = `retry: 2000

id: 1043
data: {"position":1043,"version":2,"streamId":"order-0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b","orderId":"0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b","type":"OrderConfirmed","occurredAt":"2026-11-22T18:04:05.123Z","data":{"orderId":"0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b","estimatedReadyAt":null,"kitchenNotes":null,"confirmedAt":"2026-11-22T18:04:05.123Z"}}

: heartbeat

`;

/**
 * GET /events/stream: Server-Sent Events, one message per stored event. Staff
 * get every event; anyone with an order's id gets that order's events.
 */
@ApiTags('live')
@Controller('events')
export class LiveStreamController {
  constructor(
    private readonly live: LiveEventsService,
    private readonly authenticator: Authenticator,
  ) {}

  @Get('stream')
  @ApiOperation({
    summary: 'Server-Sent Events, one per stored event, for live screens (staff; anyone with ?orderId= for that order)',
    description: [
      'Each message is unnamed (clients use `onmessage`): `id:` is the global position, `data:` is JSON `{ position, version, streamId, orderId, type, occurredAt, data }`.',
      'A comment heartbeat comes every 15 s. Without a resume point the stream starts from now.',
      'On reconnect, browsers send `Last-Event-ID`: the server replays from the event store whatever came after that position (in log order), then continues live, with nothing lost or repeated.',
      'EventSource cannot send headers, so the staff token may also be given as `?token=` on this route only.',
    ].join('\n\n'),
  })
  @StaffOptional()
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The position of the last event the client has: resume after it',
    schema: { type: 'string', example: '1042' },
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: MESSAGE_EXAMPLE } },
  })
  @ApiReadErrors(
    'VALIDATION_FAILED',
    'STAFF_TOKEN_MISSING',
    'SESSION_INVALID',
    'SESSION_EXPIRED',
    'STAFF_TOKEN_INVALID',
    'STAFF_TOKEN_REVOKED',
    'STAFF_ACCOUNT_DISABLED',
    'ORDER_NOT_FOUND',
    'LIVE_STREAMS_EXHAUSTED',
  )
  async stream(
    @Query() query: LiveStreamQueryDto,
    @Req() req: ContextualRequest,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (query.orderId === undefined) await this.requireStaff(req, query.token);
    await this.live.open(reply, { orderId: query.orderId, after: this.resumePoint(lastEventIdHeader, query.lastEventId) });
  }

  /**
   * Any member of staff: by the Authorization header or the session cookie (as
   * on every route), or by ?token= (EventSource sends no headers), so a wall
   * screen can use its personal API token.
   */
  private async requireStaff(req: ContextualRequest, token: string | undefined): Promise<void> {
    let identity = req.identity ?? NO_CREDENTIALS;
    if (identity.verdict !== 'staff' && token !== undefined && headerOf(req, 'authorization') === undefined) {
      identity = await this.authenticator.identify({ authorization: `Bearer ${token}`, unsafe: false });
    }
    if (identity.verdict === 'staff') return;
    throw credentialsRefused(
      identity,
      'The stream of every event needs a staff token (Authorization: Bearer <token>, or ?token=); customers pass ?orderId=',
    );
  }

  /** The browser's own Last-Event-ID (sent on every reconnect) wins over the query's first-connection value. */
  private resumePoint(header: string | undefined, fromQuery: number | undefined): number | undefined {
    const value = header?.trim();
    if (value === undefined || value === '') return fromQuery;
    if (!POSITION.test(value)) {
      throw AppError.validation(['Last-Event-ID must be the position of the last event the client has']);
    }
    return Number(value);
  }
}
