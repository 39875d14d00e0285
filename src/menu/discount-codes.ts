export type Discount = { code: string; kind: 'percent'; percent: number } | { code: string; kind: 'fixed'; amountCents: number };

const DISCOUNTS: readonly Discount[] = [
  { code: 'WELCOME10', kind: 'percent', percent: 10 },
  { code: 'PIZZA20', kind: 'percent', percent: 20 },
  { code: 'HALFPRICE', kind: 'percent', percent: 50 },
  { code: 'FIVEOFF', kind: 'fixed', amountCents: 500 },
  { code: 'TENOFF', kind: 'fixed', amountCents: 1000 },
];

// Codes are typed by people, so matching ignores case and surrounding spaces;
// the canonical upper-case code is what ends up in the event.
export function findDiscount(code: string): Discount | undefined {
  const wanted = code.trim().toUpperCase();
  const found = DISCOUNTS.find((discount) => discount.code === wanted);
  return found ? { ...found } : undefined;
}
