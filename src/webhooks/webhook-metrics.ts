import client from 'prom-client';
import type { WebhookInfo } from './webhook-info.js';

type Source = () => Promise<WebhookInfo[]>;
type Labels = Record<string, string>;

const STATUSES: readonly WebhookInfo['status'][] = ['active', 'failing'];
const sources = new Set<Source>();
let snapshot: { at: number; infos: Promise<WebhookInfo[]> } | undefined;

interface WebhookGauge {
  name: string;
  help: string;
  labels: string[];
  values: (info: WebhookInfo) => Array<[Labels, number]>;
}

/** The gauges with one series per webhook: name, help and the value. */
const PER_WEBHOOK: Record<string, [help: string, value: (info: WebhookInfo) => number]> = {
  pizzeria_webhook_position: ['Global log position up to which the webhook has delivered (or passed over) events', (i) => i.position],
  pizzeria_webhook_lag_events: ['Events of the types the webhook wants that are in the log but not delivered yet', (i) => i.lagEvents],
  pizzeria_webhook_delivered_events: ['Events the receiver has accepted with a 2xx since the webhook was created', (i) => i.deliveredCount],
  pizzeria_webhook_failed_attempts: ['Delivery attempts that failed (error, timeout or non-2xx) since creation', (i) => i.failedAttempts],
  pizzeria_webhook_consecutive_failures: ['Failed attempts since the last successful delivery', (i) => i.consecutiveFailures],
  pizzeria_webhook_runs_here: ['1 when this instance holds the webhook lock and delivers its events', (i) => (i.runsHere ? 1 : 0)],
};

const GAUGES: readonly WebhookGauge[] = [
  ...Object.entries(PER_WEBHOOK).map(([name, [help, value]]): WebhookGauge => ({
    name,
    help,
    labels: ['webhook'],
    values: (info) => [[{ webhook: info.id }, value(info)]],
  })),
  {
    name: 'pizzeria_webhook_status',
    help: 'The webhook status: 1 for the one it is in (active or failing), 0 for the others',
    labels: ['webhook', 'status'],
    values: (info) => STATUSES.map((status): [Labels, number] => [{ webhook: info.id, status }, info.status === status ? 1 : 0]),
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
