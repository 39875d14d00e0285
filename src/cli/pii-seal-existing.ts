import type { AdvisoryLocks } from '../database/advisory-locks.js';
import { ExistingEventsSealer } from '../personal-data/existing-events-sealer.js';
import { runCli, withDatabase } from './cli-app.js';
import { personalDataTools } from './personal-data-tools.js';
import { ProgressBar } from './progress-bar.js';

/**
 * npm run pii:seal-existing: seals in place the personal fields of events
 * written before crypto-shredding, as the leading app instance does after
 * start-up, with a progress bar. Resumable and safe while the app runs: each
 * batch seals only rows still unsealed and records how far it got.
 */
await runCli('pii:seal-existing', async ({ config, say }) => {
  await withDatabase(config, async (db) => {
    const tools = await personalDataTools(config, db);
    // Its run() takes no lock: the batches are safe side by side with an instance's.
    const sealer = new ExistingEventsSealer(db, tools.personalData, undefined as unknown as AdvisoryLocks, config);
    const state = await sealer.state();
    const bar = new ProgressBar('sealing', Math.max(1, state.legacyThrough - state.sealedThrough));
    const result = await sealer.run({
      progress: (p) =>
        bar.update(p.sealedThrough - state.sealedThrough, `position ${p.sealedThrough}/${p.legacyThrough}, ${p.sealed} sealed`),
    });
    bar.finish(`${result.sealed} events sealed`);
    say(`every event up to position ${result.sealedThrough} is sealed`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
});
