import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { DeleteRoute } from '../common/http/delete-route.js';
import { Idempotent, SealStoredAnswer } from '../common/idempotency/idempotency.interceptor.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiReadErrors, ApiWriteErrors } from '../common/errors/api-error-responses.js';
import { StaffOnly } from '../common/auth/staff.guard.js';
import { CreateWebhookDto } from './dto/create-webhook.dto.js';
import { CREATED_WEBHOOK_SCHEMA, ROTATED_SECRET_SCHEMA, WEBHOOK_SCHEMA } from './dto/webhook.responses.js';
import { WebhookSecretStore } from './secrets/webhook-secret-store.js';
import { WebhooksService } from './webhooks.service.js';

const ID = { name: 'id', description: 'The webhook id', example: '5d1e7c2a-0f4b-4b8e-a9d3-2c6e1f0a7b34' };

@ApiTags('integrations')
@Idempotent()
@Controller('admin/webhooks')
@StaffOnly('manager')
export class WebhooksAdminController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The secret is in this answer only: it signs every delivery and is never shown again. */
  @Post()
  @SealStoredAnswer(WebhookSecretStore)
  @ApiOperation({
    summary: 'Register a webhook',
    description:
      'Deliveries start with the events appended after registration (or at fromPosition). ' +
      'Each is a POST of one event, signed in X-Pizzeria-Signature with the secret returned here, and only here. ' +
      'A URL that is not http(s) or whose host is not allowed gets 400 WEBHOOK_URL_NOT_ALLOWED.',
  })
  @ApiCreatedResponse({ schema: CREATED_WEBHOOK_SCHEMA })
  @ApiWriteErrors()
  create(@Body() body: CreateWebhookDto) {
    return this.webhooks.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks with their delivery position, status and counts' })
  @ApiOkResponse({ schema: { type: 'array', items: WEBHOOK_SCHEMA } })
  @ApiReadErrors()
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook, as in the list (404 WEBHOOK_NOT_FOUND)' })
  @ApiParam(ID)
  @ApiOkResponse({ schema: WEBHOOK_SCHEMA })
  @ApiReadErrors('WEBHOOK_NOT_FOUND')
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  /** The new secret is in this answer only; the old one keeps signing beside it for the overlap, so receivers can switch. */
  @Post(':id/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @SealStoredAnswer(WebhookSecretStore)
  @ApiOperation({
    summary: "Rotate a webhook's signing secret (404 WEBHOOK_NOT_FOUND)",
    description:
      'Answers the new secret, once. Until previousSecretExpiresAt (WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS, a day by default) ' +
      'every delivery carries two signatures in X-Pizzeria-Signature, space-separated, the new one first: a receiver accepts any one ' +
      'that matches a secret it holds. Rotating again during the overlap keeps only the secret current until then as the old one. ' +
      'Two rotations at the same moment: one wins, the other gets 409 WEBHOOK_SECRET_ROTATION_CONFLICT and changes nothing.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ schema: ROTATED_SECRET_SCHEMA })
  @ApiWriteErrors('WEBHOOK_NOT_FOUND', 'WEBHOOK_SECRET_ROTATION_CONFLICT')
  rotateSecret(@Param('id') id: string) {
    return this.webhooks.rotateSecret(id);
  }

  @DeleteRoute(':id', {
    summary: 'Delete a webhook: its deliveries stop (404 WEBHOOK_NOT_FOUND)',
    done: 'Deleted',
    errors: ['WEBHOOK_NOT_FOUND'],
  })
  @ApiParam(ID)
  async remove(@Param('id') id: string): Promise<void> {
    await this.webhooks.remove(id);
  }
}
