import fc from 'fast-check';

/**
 * The raw material of the hostile-input spec's requests: strings, numbers,
 * path segments, query parts, headers' characters and whole bodies that have
 * broken servers before.
 */

export const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** What a header may carry on the wire: visible ASCII, space, tab and the Latin-1 upper half. */
export const headerValue = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(0x09))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

export const HOSTILE_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  "'; DROP TABLE events; --",
  '"; SELECT pg_sleep(10); --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\u202e\u0041\u0042',
  '💥🍕'.repeat(50),
  '\ud800',
  'x'.repeat(5_000),
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%s%s%s%n',
  'NaN',
  '-0',
  '1e309',
  '9007199254740993',
  '2026-13-45T25:61:61Z',
];

/** Path segments sent as they are: broken percent-encodings, encoded slashes and dots, NULs. */
export const RAW_SEGMENTS = [
  '%',
  '%E0%A4%A',
  '%ZZ',
  '%00',
  '%2F..%2F..%2Fetc',
  '..%2F',
  '%C0%AE%C0%AE',
  '%FF%FE',
  '.',
  '..',
  '%20',
  '%u0041',
  'a%0Db',
  encodeURIComponent('x'.repeat(3_000)),
];

export const QUERY_KEYS = [
  'minPosition',
  'limit',
  'cursor',
  'status',
  'phone',
  'asOf',
  'from',
  'to',
  'orderId',
  'token',
  'lastEventId',
  '__proto__',
  'constructor',
  'minPosition[]',
  'status[$ne]',
  'a[b][c]',
  'asOf[]',
];

export const QUERY_VALUES = [
  '-1',
  '0',
  '1',
  '1e309',
  '1e300',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  'PENDING,CANCELLED',
  'PENDING,,',
  '2026-01-01T00:00:00.000Z',
  '2026-01-01',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '0000-00-00T00:00:00Z',
  '+34 600 111 222',
  'W1siMjAyNi0wMS0wMVQwMDowMDowMC4wMDBaIiwieCJdXQ',
];

export const NUMERIC_EXTREMES = [
  '1e300',
  '-1e300',
  '1e309',
  '1e21',
  '99999999999999999999',
  '9007199254740993',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
  '-1',
  '0.5',
  'NaN',
  'Infinity',
  '0x7fffffff',
  '1_000',
  ' 1',
  '1 ',
];

/** Every field any command reads, and where it nests, plus keys that only serve prototype pollution. */
export const BODY_PATHS: Array<Array<string | number>> = [
  ['customer'],
  ['customer', 'name'],
  ['customer', 'phone'],
  ['customer', 'address'],
  ['customer', '__proto__'],
  ['items'],
  ['items', 0],
  ['items', 0, 'pizzaId'],
  ['items', 0, 'size'],
  ['items', 0, 'quantity'],
  ['items', 0, 'toppings'],
  ['items', 0, 'toppings', 0],
  ['items', 0, 'constructor'],
  ['fulfilment'],
  ['notes'],
  ['estimatedReadyAt'],
  ['kitchenNotes'],
  ['method'],
  ['transactionId'],
  ['code'],
  ['courier'],
  ['reason'],
  ['url'],
  ['eventTypes'],
  ['eventTypes', 0],
  ['fromPosition'],
  ['__proto__'],
  ['constructor'],
  ['prototype'],
  ['orderId'],
  ['version'],
  ['totalCents'],
  ['status'],
];

export const HOSTILE_BODIES = [
  '{"__proto__":{"polluted":true}}',
  '{"customer":{"__proto__":{"isAdmin":true},"name":"Ana","phone":"+34 600 111 222"},"items":[]}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`,
  '1e400',
  '"\\u0000"',
  '"\\ud800"',
  'null',
  'true',
  '[]',
  '""',
  '{"items":[],"items":[{"pizzaId":"margherita","size":"large","quantity":1}]}',
  '{',
  '\u0000\u0001\u0002',
  '\ufeff{}',
  JSON.stringify({ notes: 'x'.repeat(70 * 1024) }),
];

export const RAW_QUERIES = [
  '%',
  '%zz=1',
  '&&&',
  '=',
  'a=%E0%A4%A',
  '__proto__[polluted]=1',
  'minPosition=1&minPosition=2',
  'limit[]=5',
  `cursor=${'A'.repeat(500)}`,
  'minPosition=%00',
];
