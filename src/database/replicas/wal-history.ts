/** A PostgreSQL LSN ('16/B374D848') as a number of bytes into the WAL. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  if (!/^[0-9A-Fa-f]{1,8}$/.test(high ?? '') || !/^[0-9A-Fa-f]{1,8}$/.test(low ?? '')) throw new Error(`Not an LSN: ${text}`);
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * The primary's WAL position as each round of replica checks read it, for the
 * last `keepMs`. A replica's lag in seconds is how long the WAL it has not
 * replayed yet has existed: since the first round that saw the primary past
 * the replica's replay position. That is the age of its oldest missing write
 * (to within one check interval), which the time since its last replayed commit
 * is not: after a quiet spell that would count the quiet too.
 */
export class WalHistory {
  private readonly samples: Array<{ at: number; lsn: bigint }> = [];

  constructor(private readonly keepMs: number) {}

  record(at: number, lsn: bigint): void {
    this.samples.push({ at, lsn });
    // Keep one sample older than the window, so a replica behind all of it still shows the whole window as its lag.
    while (this.samples.length > 2 && this.samples[1].at < at - this.keepMs) this.samples.shift();
  }

  get latest(): bigint | undefined {
    return this.samples[this.samples.length - 1]?.lsn;
  }

  /** Seconds since the primary first stood past `replayed`; 0 when it never has (the replica is caught up). */
  lagSeconds(replayed: bigint, now: number): number {
    const first = this.samples.find((sample) => sample.lsn > replayed);
    return first === undefined ? 0 : Math.max(0, now - first.at) / 1000;
  }
}
