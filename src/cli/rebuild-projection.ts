import { parseArgs } from 'node:util';
import { EventStore } from '../event-store/event-store.js';
import { ProjectionRebuilder } from '../projections/projection-rebuilder.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { runCli, UsageError, withAppContext } from './cli-app.js';
import { ProgressBar } from './progress-bar.js';

/**
 * npm run projections:rebuild -- <name>: replays the whole log into a fresh copy
 * of the read model and swaps it in, as POST /admin/projections/{name}/rebuild
 * does, with a progress bar. Safe while the app runs: the live table serves
 * until the swap.
 */
await runCli('projections:rebuild', async ({ config, say }) => {
  const { positionals } = parseArgs({ allowPositionals: true, options: { verbose: { type: 'boolean' } } });
  await withAppContext(config, async (app) => {
    const projections = app.get(ProjectionsService);
    const names = projections.names();
    const [name] = positionals;
    if (!name || !names.includes(name)) {
      throw new UsageError(`Usage: npm run projections:rebuild -- <name>\nProjections: ${names.join(', ')}`);
    }
    const head = await app.get(EventStore).headPosition();
    const bar = new ProgressBar(`rebuilding ${name}`, head);
    bar.update(0, `0/${head} events`);
    const result = await app
      .get(ProjectionRebuilder)
      .rebuild(name, (progress) =>
        bar.update(progress.position, `${progress.eventsApplied} events, position ${progress.position}/${head}`),
      );
    bar.finish(`${result.eventsApplied} events, position ${result.position}`);
    say(`Swapped in the rebuilt ${name} at position ${result.position}`);
  });
});
