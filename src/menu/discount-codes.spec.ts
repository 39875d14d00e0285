import { findDiscount } from './discount-codes.js';

describe('findDiscount', () => {
  it('finds a percentage code', () => {
    expect(findDiscount('WELCOME10')).toEqual({ code: 'WELCOME10', kind: 'percent', percent: 10 });
  });

  it('finds a fixed-amount code', () => {
    expect(findDiscount('FIVEOFF')).toEqual({ code: 'FIVEOFF', kind: 'fixed', amountCents: 500 });
  });

  it('ignores case and surrounding spaces and returns the canonical code', () => {
    expect(findDiscount('  welcome10 ')?.code).toBe('WELCOME10');
    expect(findDiscount('FiveOff')?.code).toBe('FIVEOFF');
  });

  it('returns undefined for an unknown code', () => {
    expect(findDiscount('FREEPIZZA')).toBeUndefined();
    expect(findDiscount('')).toBeUndefined();
  });

  it('hands out copies, so a caller can not change the table', () => {
    const found = findDiscount('WELCOME10');
    if (found?.kind === 'percent') found.percent = 100;
    expect(findDiscount('WELCOME10')).toEqual({ code: 'WELCOME10', kind: 'percent', percent: 10 });
  });
});
