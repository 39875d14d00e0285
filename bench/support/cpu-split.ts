import { readFile, readdir } from 'node:fs/promises';

/** USER_HZ: Linux reports CPU times in hundredths of a second. */
const TICK_MS = 10;

export interface CpuSample {
  readonly at: number;
  readonly app: number;
  readonly postgres: number;
  readonly bench: number;
  readonly machineBusy: number;
}

async function processCpuMs(pid: number | string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_MS;
}

/** Every postgres process's CPU time: the server's backends, walwriter, checkpointer and so on. */
async function postgresCpuMs(): Promise<number> {
  let total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm === 'postgres') total += await processCpuMs(pid);
  }
  return total;
}

/** Busy (non-idle, non-iowait) CPU time of the whole machine, all cores added up. */
async function machineBusyMs(): Promise<number> {
  const [line] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/**
 * Where the machine's CPU went during a load run: the app process, PostgreSQL
 * (all its processes, so the system server's idle ones too, which add next to
 * nothing), this benchmark process (the load generator) and the whole machine.
 * A postgres process that exits between two samples takes its time with it, so
 * the PostgreSQL figure is a lower bound when connections come and go.
 */
export async function sampleCpu(appPid: number): Promise<CpuSample> {
  const [app, postgres, machineBusy] = await Promise.all([processCpuMs(appPid), postgresCpuMs(), machineBusyMs()]);
  const self = process.cpuUsage();
  return { at: performance.now(), app, postgres, bench: (self.user + self.system) / 1000, machineBusy };
}

/** Milliseconds of CPU per request, by party, between two samples. */
export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number) {
  const per = (key: keyof Omit<CpuSample, 'at'>) => Math.round(((after[key] - before[key]) / Math.max(1, requests)) * 1000) / 1000;
  const seconds = (after.at - before.at) / 1000;
  return {
    appMs: per('app'),
    postgresMs: per('postgres'),
    loadGeneratorMs: per('bench'),
    machineMs: per('machineBusy'),
    machineBusyCores: Math.round(((after.machineBusy - before.machineBusy) / 1000 / seconds) * 100) / 100,
  };
}
