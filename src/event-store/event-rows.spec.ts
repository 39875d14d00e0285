import { inLogOrder, utcIso } from './event-rows.js';

describe('utcIso: occurred_at as a page of the log writes it, to the string a RecordedEvent carries', () => {
  it('gives what Date#toISOString gives, for every fraction PostgreSQL may write', () => {
    const cases = [
      '2026-11-30T03:29:41',
      '2026-11-30T03:29:41.1',
      '2026-11-30T03:29:41.12',
      '2026-11-30T03:29:41.123',
      '2026-11-30T03:29:41.1234',
      '2026-11-30T03:29:41.123456',
      '2026-11-30T03:29:41.999999',
      '2026-11-30T03:29:41.000001',
      '1999-12-31T23:59:59.5',
      '2000-02-29T00:00:00.05',
    ];
    for (const text of cases) expect(utcIso(text)).toBe(new Date(`${text}Z`).toISOString());
  });

  it('gives every millisecond of a second as toISOString does', () => {
    for (let ms = 0; ms < 1000; ms++) {
      const iso = new Date(Date.UTC(2026, 10, 30, 3, 29, 41, ms)).toISOString();
      // PostgreSQL drops trailing zeros of the fraction, and the fraction itself when it is zero.
      const written = iso.slice(0, -1).replace(/\.?0+$/, '');
      expect(utcIso(written)).toBe(iso);
    }
  });

  it('keeps years before 1000 as written, and fails loudly on what is not a timestamp', () => {
    expect(utcIso('0099-01-01T00:00:00.5')).toBe('0099-01-01T00:00:00.500Z');
    expect(() => utcIso('not a time')).toThrow(RangeError);
  });
});

describe('inLogOrder: a page of the log in (transaction id, position) order', () => {
  const row = (transaction_id: string, position: number) => ({ transaction_id, position });

  it('leaves a page that is in order as it is, comparing transaction ids as numbers', () => {
    const page = [row('9', 5), row('9', 7), row('10', 2), row('10', 3), row('100', 1)];
    expect(inLogOrder([...page])).toEqual(page);
  });

  it('sorts a page that is not', () => {
    const page = [row('10', 2), row('9', 7), row('100', 1), row('9', 5), row('10', 3)];
    expect(inLogOrder(page)).toEqual([row('9', 5), row('9', 7), row('10', 2), row('10', 3), row('100', 1)]);
  });
});
