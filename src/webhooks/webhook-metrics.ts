import client from 'prom-client';
import type { WebhookInfo } from './webhooks.service.js';

type Source = () => Promise<WebhookInfo[]>;
type Labels = Record<string, string>;

const STATUSES: readonly WebhookInfo['status'][] = ['active', 'failing'];
const sources = new Set<Source>();
let snapshot: { at: number; infos: Promise<WebhookInfo[]> } | undefined;

const GAUGES: ReadonlyArray<{ name: string; help: string; labels: string[]; values: (info: WebhookInfo) => Array<[Labels, number]> }> = [
  {
    name: 'pizzeria_webhook_position',
    help: 'Global log position up to which the webhook has delivered (or passed over) events',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.position]],
  },
  {
    name: 'pizzeria_webhook_lag_events',
    help: 'Events of the types the webhook wants that are in the log but not delivered yet',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.lagEvents]],
  },
  {
    name: 'pizzeria_webhook_status',
    help: 'The webhook status: 1 for the one it is in (active or failing), 0 for the others',
    labels: ['webhook', 'status'],
    values: (info) => STATUSES.map((status): [Labels, number] => [{ webhook: info.id, status }, info.status === status ? 1 : 0]),
  },
  {
    name: 'pizzeria_webhook_delivered_events',
    help: 'Events the webhook receiver has accepted with a 2xx since the webhook was created',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.deliveredCount]],
  },
  {
    name: 'pizzeria_webhook_failed_attempts',
    help: 'Delivery attempts that failed (error, timeout or non-2xx) since the webhook was created',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.failedAttempts]],
  },
  {
    name: 'pizzeria_webhook_consecutive_failures',
    help: 'Failed attempts since the last successful delivery',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.consecutiveFailures]],
  },
  {
    name: 'pizzeria_webhook_runs_here',
    help: '1 when this instance holds the webhook lock and delivers its events',
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, info.runsHere ? 1 : 0]],
  },
];

/**
 * Webhook gauges on prom-client's default registry, so whatever serves
 * /metrics from it shows them. The values come from the webhooks table when
 * scraped (one query per scrape, shared by the gauges). Registered once per
 * process; each running app adds itself as a source while it runs.
 */
export function registerWebhookMetrics(source: Source): () => void {
  for (const gauge of GAUGES) {
    if (client.register.getSingleMetric(gauge.name)) continue;
    new client.Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: gauge.labels,
      async collect() {
        this.reset();
        for (const info of await currentInfos()) {
          for (const [labels, value] of gauge.values(info)) this.set(labels, value);
        }
      },
    });
  }
  sources.add(source);
  return () => {
    sources.delete(source);
    snapshot = undefined;
  };
}

function currentInfos(): Promise<WebhookInfo[]> {
  const now = Date.now();
  if (!snapshot || now - snapshot.at > 250) {
    const infos = Promise.all([...sources].map((source) => source().catch((): WebhookInfo[] => [])));
    snapshot = { at: now, infos: infos.then((lists) => lists.flat()) };
  }
  return snapshot.infos;
}
