/**
 * A one-line progress bar on stderr, redrawn in place on a terminal; elsewhere
 * (CI, a pipe) one line per tenth of the way, so logs stay readable.
 */
export class ProgressBar {
  private lastTenth = -1;
  private readonly startedAt = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, note = ''): void {
    const ratio = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${note}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line.padEnd(this.out.columns ? this.out.columns - 1 : line.length)}`);
      return;
    }
    const tenth = Math.floor(ratio * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${line}\n`);
    }
  }

  finish(note: string): void {
    this.update(this.total, note);
    if (this.out.isTTY) this.out.write('\n');
    this.out.write(`${this.label}: done in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s\n`);
  }
}
