/**
 * The rebuild phase in a process of its own, started with the app's runtime
 * flags (heap cap and young generation), since in production a rebuild runs
 * inside the app: `node <flags> bench/dist/bench/rebuild-run.js <databaseUrl> <events> <turns>`.
 * Prints its figures as one line: `BENCH_RESULT <json>`.
 */
import { benchConfig, rebuildFigures } from './store-bench.js';

const [databaseUrl, events, turns] = process.argv.slice(2);
const result = await rebuildFigures(benchConfig(databaseUrl), Number(events), Number(turns));
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
