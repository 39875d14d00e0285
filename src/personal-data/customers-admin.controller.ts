import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../common/auth/staff.guard.js';
import { AppError } from '../common/errors/app-error.js';
import { ApiErrors, ApiReadErrors } from '../common/errors/api-error-responses.js';
import { Ctx, type RequestContext } from '../common/http/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { normalisePhoneNumber } from '../orders/domain/phone-number.js';
import { CustomerErasure } from './customer-erasure.js';
import { CustomerExporter } from './customer-export.js';
import { CustomerExportView, CustomerPhoneDto, ErasureView } from './customers.dto.js';

/**
 * A customer's rights over their personal data (GDPR art. 15 and 17), for
 * managers. Not idempotent by Idempotency-Key on purpose: both are idempotent
 * by nature, and a stored request fingerprint would be a hash of the phone
 * number, the one thing an erasure must not leave behind.
 */
@ApiTags('personal data')
@Controller('admin/customers')
@StaffOnly('manager')
export class CustomersAdminController {
  constructor(
    private readonly erasure: CustomerErasure,
    private readonly exporter: CustomerExporter,
    private readonly config: AppConfig,
  ) {}

  @Post('erase')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Erase a customer's personal data (manager)",
    description:
      'Deletes the keys of every order placed with this phone number and records CustomerDataErased. Within the read-your-writes ' +
      'timeout every read model, timeline, kitchen board and live stream shows their name, phone, address and notes as "[erased]"; ' +
      'totals, items, statuses and analytics stay as they were. Idempotent: a customer with nothing (left) to erase, or a number never ' +
      'seen, answers erasedOrders 0. Ignores Idempotency-Key.',
  })
  @ApiOkResponse({ type: ErasureView })
  @ApiErrors('VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'TOO_MANY_REQUESTS', 'DATABASE_UNAVAILABLE')
  erase(@Body() body: CustomerPhoneDto, @Ctx() context: RequestContext) {
    const phone = this.normalised(body.phone);
    return this.erasure.eraseByPhone(phone, 'request', { correlationId: context.correlationId, actor: context.actor });
  }

  @Get('export')
  @ApiOperation({
    summary: 'Everything held about a customer, as one JSON document (manager)',
    description: 'Every order placed with this phone number, each with all its events, personal fields included, and their timestamps.',
  })
  @ApiOkResponse({ type: CustomerExportView })
  @ApiReadErrors('VALIDATION_FAILED')
  export(@Query() query: CustomerPhoneDto) {
    const phone = this.normalised(query.phone);
    return this.exporter.exportByPhone(phone, phone);
  }

  private normalised(phone: string): string {
    const normalised = normalisePhoneNumber(phone, this.config.phoneDefaultRegion);
    if (normalised === undefined) {
      throw AppError.validation([
        `phone must be a phone number (without a +country code it is read as a ${this.config.phoneDefaultRegion} number)`,
      ]);
    }
    return normalised;
  }
}
