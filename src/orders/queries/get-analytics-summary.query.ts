import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../common/errors/app-error.js';
import { Database } from '../../database/database.js';
import { ReadRouter } from '../../projections/read-router.js';
import { ANALYTICS } from '../read-models/analytics.projection.js';

export interface AnalyticsSummary {
  from: string;
  to: string;
  totalOrders: number;
  confirmedOrders: number;
  cancelledOrders: number;
  confirmationRate: number;
  revenueCents: number;
  averageOrderValueCents: number;
  popularItems: { pizzaId: string; name: string; quantity: number }[];
  daily: { date: string; orders: number; revenueCents: number }[];
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 731;

export class GetAnalyticsSummaryQuery extends Query<AnalyticsSummary> {
  constructor(
    readonly range: { from?: string; to?: string; minPosition?: number },
    readonly today: Date,
  ) {
    super();
  }
}

/** Days are UTC calendar days, both ends included; the default is the last 30 days. */
@QueryHandler(GetAnalyticsSummaryQuery)
export class GetAnalyticsSummaryHandler implements IQueryHandler<GetAnalyticsSummaryQuery> {
  constructor(
    private readonly db: Database,
    private readonly reads: ReadRouter,
  ) {}

  async execute({ range, today }: GetAnalyticsSummaryQuery): Promise<AnalyticsSummary> {
    const to = range.to ? day(range.to) : day(today.toISOString());
    const from = range.from ? day(range.from) : day(new Date(Date.parse(to) - 29 * DAY_MS).toISOString());
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1) throw AppError.validation(['from must not be after to']);
    if (days > MAX_DAYS) throw AppError.validation([`the range may span at most ${MAX_DAYS} days`]);
    const { daily, popular } = await this.reads.readModel(ANALYTICS, range.minPosition, async (source) => ({
      daily: await this.db.query<{
        day: string;
        orders: number;
        confirmed: number;
        cancelled: number;
        paid_orders: number;
        revenue_cents: string;
      }>('SELECT * FROM analytics_daily WHERE day BETWEEN $1 AND $2 ORDER BY day', [from, to], source),
      popular: await this.db.query<{ pizza_id: string; name: string; quantity: string }>(
        `SELECT pizza_id, max(name) AS name, sum(quantity) AS quantity FROM analytics_pizzas
          WHERE day BETWEEN $1 AND $2 GROUP BY pizza_id ORDER BY sum(quantity) DESC, pizza_id LIMIT 10`,
        [from, to],
        source,
      ),
    }));
    const byDay = new Map(daily.map((row) => [row.day, row]));
    const sum = (pick: (row: (typeof daily)[number]) => number) => daily.reduce((total, row) => total + pick(row), 0);
    const totalOrders = sum((r) => r.orders);
    const confirmedOrders = sum((r) => r.confirmed);
    const paidOrders = sum((r) => r.paid_orders);
    const revenueCents = sum((r) => Number(r.revenue_cents));
    return {
      from,
      to,
      totalOrders,
      confirmedOrders,
      cancelledOrders: sum((r) => r.cancelled),
      confirmationRate: totalOrders === 0 ? 0 : Math.round((confirmedOrders / totalOrders) * 10_000) / 10_000,
      revenueCents,
      averageOrderValueCents: paidOrders === 0 ? 0 : Math.round(revenueCents / paidOrders),
      popularItems: popular.map((row) => ({ pizzaId: row.pizza_id, name: row.name, quantity: Number(row.quantity) })),
      daily: Array.from({ length: days }, (_, i) => {
        const date = new Date(Date.parse(from) + i * DAY_MS).toISOString().slice(0, 10);
        const row = byDay.get(date);
        return { date, orders: row?.orders ?? 0, revenueCents: Number(row?.revenue_cents ?? 0) };
      }),
    };
  }
}

function day(value: string): string {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString().slice(0, 10);
}
