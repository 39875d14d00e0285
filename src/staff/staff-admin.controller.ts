import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Res,
  type Type,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StaffActor } from '../common/auth/actor.js';
import { StaffOnly } from '../common/auth/staff.guard.js';
import { ApiReadErrors, ApiWriteErrors } from '../common/errors/api-error-responses.js';
import type { ErrorCode } from '../common/errors/error-catalogue.js';
import { Ctx, type RequestContext } from '../common/http/request-context.js';
import { DeleteRoute } from '../common/http/delete-route.js';
import { Idempotent } from '../common/idempotency/idempotency.interceptor.js';
import { parseIfMatch } from '../common/if-match.js';
import { ChangeStaffAccountDto, CreateStaffAccountDto, CreateStaffTokenDto } from './dto/staff-account.dto.js';
import { SetPasswordDto } from './dto/password.dto.js';
import { IssuedStaffTokenView, StaffAccountView, StaffTokenView } from './dto/staff-responses.dto.js';
import { type AccountsWriter, type StaffAccount, StaffAccounts } from './staff-accounts.service.js';

const ID = { name: 'id', description: 'The staff account id', format: 'uuid', example: '3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f' };
const TOKEN_ID = { name: 'tokenId', description: 'The token id', format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };

/** The guard lets only staff in, so the actor here is always a member of staff. */
function writer(context: RequestContext): AccountsWriter {
  return { actor: context.actor as StaffActor, correlationId: context.correlationId };
}

/** An account answer carries its version as the ETag, as an order's does: If-Match it back to change it. */
function withETag(reply: FastifyReply, account: StaffAccount): StaffAccount {
  void reply.header('ETag', `"${account.version}"`);
  return account;
}

/** How a read route of this controller shows in the OpenAPI document. */
const ApiRead = (summary: string, type: Type | [Type], ...errors: ErrorCode[]) =>
  applyDecorators(ApiOperation({ summary }), ApiOkResponse({ type }), ApiReadErrors(...errors));

/** Staff accounts and their personal API tokens: managers only. Every change is an event of the account's stream. */
@ApiTags('staff accounts')
@Idempotent()
@Controller('admin/staff')
@StaffOnly('manager')
export class StaffAdminController {
  constructor(private readonly accounts: StaffAccounts) {}

  @Post()
  @ApiOperation({
    summary: 'Create a staff account, with a password to sign in to the web UI, or issue it tokens',
    description: 'A login already taken is 409 STAFF_LOGIN_TAKEN.',
  })
  @ApiCreatedResponse({ type: StaffAccountView })
  @ApiWriteErrors('STAFF_LOGIN_TAKEN')
  async create(@Body() body: CreateStaffAccountDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const input = { login: body.login, name: body.name, role: body.role, password: body.password };
    return withETag(reply, await this.accounts.create(input, writer(context)));
  }

  @Get()
  @ApiRead('Every staff account, by login', [StaffAccountView])
  list() {
    return this.accounts.list();
  }

  @Get(':id')
  @ApiParam(ID)
  @ApiRead('One staff account (404 STAFF_ACCOUNT_NOT_FOUND)', StaffAccountView, 'STAFF_ACCOUNT_NOT_FOUND')
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withETag(reply, await this.accounts.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change an account's role, or disable or enable it",
    description: 'A disabled account stops working on its next request. With If-Match, a change made meanwhile is 412 VERSION_MISMATCH.',
  })
  @ApiParam(ID)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The account version you last saw, e.g. "1"',
    schema: { type: 'string', example: '"1"' },
  })
  @ApiOkResponse({ type: StaffAccountView })
  @ApiWriteErrors('STAFF_ACCOUNT_NOT_FOUND', 'VERSION_MISMATCH')
  async change(
    @Param('id') id: string,
    @Body() body: ChangeStaffAccountDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const changes = { role: body.role, enabled: body.enabled };
    return withETag(reply, await this.accounts.change(id, changes, parseIfMatch(ifMatch), writer(context)));
  }

  @Put(':id/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: "Set an account's password: its open sessions end",
    description: 'The password is hashed with argon2id, never returned or logged; the StaffPasswordSet event holds no secret.',
  })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Set' })
  @ApiWriteErrors('STAFF_ACCOUNT_NOT_FOUND')
  async setPassword(@Param('id') id: string, @Body() body: SetPasswordDto, @Ctx() context: RequestContext): Promise<void> {
    await this.accounts.setPassword(id, body.password, writer(context));
  }

  @Post(':id/tokens')
  @ApiOperation({
    summary: 'Issue a personal API token for the account',
    description:
      'The token is in this answer only; the server keeps its hash. Use it as Authorization: Bearer <token> (or ?token= on the live stream).',
  })
  @ApiParam(ID)
  @ApiCreatedResponse({ type: IssuedStaffTokenView })
  @ApiWriteErrors('STAFF_ACCOUNT_NOT_FOUND')
  issueToken(@Param('id') id: string, @Body() body: CreateStaffTokenDto, @Ctx() context: RequestContext) {
    return this.accounts.issueToken(id, body.label, writer(context));
  }

  @Get(':id/tokens')
  @ApiParam(ID)
  @ApiRead("The account's tokens, with their last use (never the tokens themselves)", [StaffTokenView], 'STAFF_ACCOUNT_NOT_FOUND')
  tokens(@Param('id') id: string) {
    return this.accounts.tokens(id);
  }

  @DeleteRoute(':id/tokens/:tokenId', {
    summary: 'Revoke a token: it stops working on the next request (again: no change)',
    done: 'Revoked',
    errors: ['STAFF_ACCOUNT_NOT_FOUND', 'STAFF_TOKEN_NOT_FOUND'],
  })
  @ApiParam(ID)
  @ApiParam(TOKEN_ID)
  async revokeToken(@Param('id') id: string, @Param('tokenId') tokenId: string, @Ctx() context: RequestContext): Promise<void> {
    await this.accounts.revokeToken(id, tokenId, writer(context));
  }
}
