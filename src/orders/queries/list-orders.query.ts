import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import { normalisePhoneNumber } from '../domain/phone-number.js';
import { ReadRouter } from '../../projections/read-router.js';
import { PersonalData } from '../../personal-data/personal-data.js';
import { ORDER_DETAILS, phoneDigits, type OrderDetailsRow } from '../read-models/order-details.projection.js';
import { isOrderId } from '../order-stream.js';
import type { OrderView } from './dto/order-responses.dto.js';
import { toOrderView } from './order-view.js';

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

export class ListOrdersQuery extends Query<OrderPage> {
  constructor(readonly filter: { statuses?: string[]; phone?: string; limit: number; cursor?: string; minPosition?: number }) {
    super();
  }
}

/** Newest first; the cursor is the (placedAt, orderId) of the last order on the page. */
@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(
    private readonly db: Database,
    private readonly reads: ReadRouter,
    private readonly config: AppConfig,
    private readonly personalData: PersonalData,
  ) {}

  async execute({ filter }: ListOrdersQuery): Promise<OrderPage> {
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.statuses?.length === 1) {
      // One status: `=`, so the (status, placed_at, order_id) index hands rows over in page order
      // and the scan stops at the limit; with `= ANY` PostgreSQL 15 reads every match and sorts.
      params.push(filter.statuses[0]);
      where.push(`status = $${params.length}`);
    } else if (filter.statuses?.length) {
      params.push(filter.statuses);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (filter.phone) {
      // By blind index, never by plaintext: the whole number's, or for trailing digits the index of
      // their last four, which narrows the rows to about one in 10,000; more digits than four are
      // then checked against those few rows' phone numbers.
      const whole = this.wholeNumber(filter.phone);
      if (whole) {
        params.push(this.personalData.customerIndex(whole).toString('hex'));
        where.push(`phone_index = $${params.length}`);
      } else {
        const digits = phoneDigits(filter.phone);
        params.push(this.personalData.suffixIndex(digits).toString('hex'));
        where.push(`phone_suffix_index = $${params.length}`);
        if (digits.length > 4) {
          params.push(digits);
          where.push(`right(regexp_replace(customer->>'phone', '\\D', '', 'g'), ${digits.length}) = $${params.length}`);
        }
      }
    }
    if (after) {
      params.push(after.placedAt, after.orderId);
      where.push(`(placed_at, order_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit + 1);
    // Named: one prepared statement per shape of filter, so the common pages skip parse and plan.
    const sql = `SELECT * FROM order_details ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY placed_at DESC, order_id DESC LIMIT $${params.length}`;
    const rows = await this.reads.readModel(ORDER_DETAILS, filter.minPosition, (source) =>
      this.db.prepared<OrderDetailsRow>(sql, params, source),
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toOrderView),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(new Date(last.placed_at).toISOString(), last.order_id) : null,
    };
  }

  /**
   * A whole number as typed (+44 20 7946 0000, or national: 020 7946 0000) is
   * searched in the E.164 form new orders store; anything else, such as the last
   * digits alone, as trailing digits.
   */
  private wholeNumber(phone: string): string | undefined {
    return /^\s*[+0]/.test(phone) ? normalisePhoneNumber(phone, this.config.phoneDefaultRegion) : undefined;
  }
}

function encodeCursor(placedAt: string, orderId: string): string {
  return Buffer.from(JSON.stringify([placedAt, orderId])).toString('base64url');
}

function decodeCursor(cursor: string): { placedAt: string; orderId: string } {
  try {
    const [placedAt, orderId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof placedAt === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(placedAt) &&
      !Number.isNaN(Date.parse(placedAt)) &&
      new Date(placedAt).toISOString() === placedAt &&
      typeof orderId === 'string' &&
      isOrderId(orderId)
    ) {
      return { placedAt, orderId };
    }
  } catch {
    // fall through to the validation error
  }
  throw AppError.validation(['cursor is not one this API handed out']);
}
