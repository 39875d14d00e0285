import { readFileSync } from 'node:fs';

/**
 * Where an app's CPU went, from a V8 .cpuprofile (`npm run bench -- --profile`
 * writes them): self time by package (or the app's own file, or V8's own
 * buckets such as GC), and the hottest functions, as shares of the busy time.
 *
 *   node bench/dist/bench/profile-summary.js bench/results/profiles/app-http-….cpuprofile [rows]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? `app: ${url.slice(dist + '/dist/'.length)}` : url;
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

const buckets = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, ms] of selfMs) {
  const { callFrame } = byId.get(id)!;
  if (callFrame.functionName === '(idle)') continue;
  busy += ms;
  const bucket = bucketOf(callFrame.url, callFrame.functionName);
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
  const fn = `${callFrame.functionName || 'anonymous'} ${bucket}:${callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + ms);
}
const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (busy ${Math.round(busy)} ms)`);
  for (const [name, ms] of [...table].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${Math.round(ms).toString().padStart(6)} ms  ${name}`);
  }
};
print('self time by package or file', buckets);
print('self time by function', functions);
