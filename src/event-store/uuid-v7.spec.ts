import { uuidV7 } from './uuid-v7.js';

describe('uuidV7', () => {
  it('is a well-formed version 7, variant 10 UUID', () => {
    for (let i = 0; i < 2_000; i++) {
      expect(uuidV7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('carries the milliseconds in its first 48 bits, so later ids sort after earlier ones', () => {
    const at = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
    const id = uuidV7(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    expect(uuidV7(at + 1) > uuidV7(at)).toBe(true);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => uuidV7(1_700_000_000_000)));
    expect(ids.size).toBe(20_000);
  });
});
