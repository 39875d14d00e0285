import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { register as defaultRegistry } from 'prom-client';
import { ApiReadErrors } from '../../common/errors/api-error-responses.js';
import { Metrics } from './metrics.js';

const EXAMPLE = `# HELP pizzeria_projection_lag_events Events in the log the projection has not applied yet
# TYPE pizzeria_projection_lag_events gauge
pizzeria_projection_lag_events{projection="order_details"} 0
# HELP http_request_duration_seconds HTTP requests by method, route pattern and status code
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.025",method="POST",route="/orders",status_code="201"} 41
`;

/**
 * Prometheus text format. Public like /health, since scrapers carry no token:
 * it shows counts and positions, never order data. Keep it off the public
 * internet at the proxy if that matters to you.
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'HTTP request rate and latency by route, commands by type and outcome, events appended, concurrency conflicts, ' +
      "each projection's position, lag (events and seconds) and status, rebuild progress, and Node.js process metrics.",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiReadErrors()
  async scrape(): Promise<string> {
    // Gauges other modules register on prom-client's default registry (webhooks) are served too.
    const own = await this.metrics.registry.metrics();
    const shared = await defaultRegistry.metrics();
    return shared.trim() ? `${own}\n${shared}` : own;
  }
}
