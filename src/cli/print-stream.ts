import { parseArgs } from 'node:util';
import { EventStore } from '../event-store/event-store.js';
import { isOrderId, orderStreamId } from '../orders/order-stream.js';
import { runCli, UsageError, withAppContext } from './cli-app.js';

/**
 * npm run stream:print -- <orderId|streamId> [--json]: a stream's events in
 * version order, as stored (upcast to their current schema), with metadata.
 * --json prints one JSON object per line, for jq.
 */
await runCli('stream:print', async ({ config }) => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, verbose: { type: 'boolean' } },
  });
  const [id] = positionals;
  if (!id) throw new UsageError('Usage: npm run stream:print -- <orderId|streamId> [--json]');
  const streamId = isOrderId(id) ? orderStreamId(id) : id;
  const events = await withAppContext(config, (app) => app.get(EventStore).readStream(streamId));
  if (events.length === 0) throw new UsageError(`No events in stream ${streamId}`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (values.json) {
    for (const e of events) {
      out(
        JSON.stringify({
          streamId,
          version: e.version,
          position: e.position,
          type: e.type,
          schemaVersion: e.storedSchemaVersion,
          occurredAt: e.occurredAt,
          metadata: e.metadata,
          data: e.event.data,
        }),
      );
    }
    return;
  }
  out(`${streamId}: ${events.length} event(s)`);
  for (const e of events) {
    const meta = [
      e.metadata.actor?.kind && `actor=${e.metadata.actor.kind}`,
      e.metadata.correlationId && `correlation=${e.metadata.correlationId}`,
    ]
      .filter(Boolean)
      .join(' ');
    out(`v${e.version}  #${e.position}  ${e.occurredAt}  ${e.type} (schema ${e.storedSchemaVersion})  ${meta}`);
    out(`    ${JSON.stringify(e.event.data)}`);
  }
});
