import { parseLsn, WalHistory } from './wal-history.js';

describe('WAL positions and the replay lag measured from them', () => {
  it('reads an LSN as bytes, and refuses anything else', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('0/3431DD8')).toBe(0x3431dd8n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(() => parseLsn('nonsense')).toThrow(/Not an LSN/);
  });

  it('counts the lag from the first check that saw the primary past the replay position, not from the last commit', () => {
    const history = new WalHistory(60_000);
    history.record(1_000, 100n);
    history.record(2_000, 100n); // a quiet primary
    history.record(3_000, 250n); // a write
    history.record(4_000, 300n);
    expect(history.lagSeconds(300n, 4_000)).toBe(0); // caught up
    expect(history.lagSeconds(100n, 4_500)).toBe(1.5); // missing what was there by 3 000, not since 1 000
    expect(history.lagSeconds(260n, 4_500)).toBe(0.5);
    expect(history.latest).toBe(300n);
  });

  it('keeps one sample past its window, so a replica behind all of it shows at least the window as its lag', () => {
    const history = new WalHistory(1_000);
    for (let at = 0; at <= 10_000; at += 100) history.record(at, BigInt(at + 1));
    expect(history.lagSeconds(0n, 10_000)).toBeGreaterThanOrEqual(1);
    expect(history.lagSeconds(0n, 10_000)).toBeLessThanOrEqual(1.2);
  });
});
