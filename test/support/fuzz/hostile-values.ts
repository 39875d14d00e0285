import fc from 'fast-check';

/**
 * JSON text put into a body as it is: what JSON.stringify cannot produce from
 * a JavaScript value (1e400, an own "__proto__" key, duplicate keys, nesting
 * deep enough to overflow a recursive walker).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A body value as wire text: lone surrogates go out as \ud83d escapes, as a client's JSON.stringify sends them. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${JSON.stringify(key)}:${toJsonText(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const nested = (depth: number, open: string, close: string, inner = '1') =>
  new RawJson(`${open.repeat(depth)}${inner}${close.repeat(depth)}`);

/** Strings that are not valid Unicode, or that a store or a terminal treats specially. */
export const BAD_TEXT = [
  '\ud83d',
  'a\udc00b',
  '\udfff\ud800',
  '\u0000',
  'a\u0000b',
  '\ufeffBOM',
  '\ufffe\uffff',
  '\u202eevil',
  '\u001b[31mred',
  '\r\nX-Injected: 1',
  ' ',
  '   \t  ',
  '',
  '__proto__',
  'constructor',
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%s%n',
  '💥🍕'.repeat(30),
];

/** Values of every JSON type that no schema of this API allows together: wrong types, extremes, hostile structure. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...BAD_TEXT) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n)) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        new RawJson('1e400'),
        new RawJson('-1e400'),
        new RawJson('123456789012345678901234567890'),
        new RawJson('-0'),
        new RawJson('0.0000000000000000000001'),
        1e308,
        2 ** 53 + 1,
        -(2 ** 63),
        2 ** 31,
        0.5,
        -1,
        0,
      ),
    },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.integer({ min: 9, max: 40 }).map((depth) => nested(depth, '[', ']')),
        fc.integer({ min: 9, max: 40 }).map((depth) => nested(depth, '{"a":', '}')),
        fc.constantFrom(5_000, 20_000).map((depth) => nested(depth, '[', ']')),
        fc.constantFrom(3_000).map((depth) => nested(depth, '{"a":', '}')),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        new RawJson('{"__proto__":{"polluted":true}}'),
        new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
        new RawJson('{"a":1,"a":2}'),
        new RawJson('{"__proto__":null}'),
        new RawJson('[{"__proto__":{"length":1e9}}]'),
      ),
    },
    { weight: 3, arbitrary: fc.constantFrom(null, true, false, '', '1', '2', 'null', [], {}, [[]], [null], { length: 1e9 }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** Whole bodies in place of the document's: not JSON, truncated, or JSON that is not an object. */
export function hostileBodyText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      '{',
      '[',
      'null',
      'true',
      '0',
      '"text"',
      '[]',
      '{}}',
      '\ufeff{}',
      '\u0000',
      '{"a":\ud83d}',
      '{"a":"\\ud83d"}',
      '{"a":"\\u0000"}',
      "{'a':1}",
      '{"a":1,}',
      'NaN',
      '1e400',
    ),
    fc.string({ maxLength: 200 }),
    hostileValue().map(toJsonText),
  );
}

/** Text for a query parameter or a path segment, already as it goes on the wire: broken escapes included. */
export function hostileUrlText(): fc.Arbitrary<string> {
  // A space or a non-ASCII byte is refused by the client before it is sent: those go %-encoded.
  const wireSafe = (text: string) => text.replace(/[^\x21-\x7e]/g, (char) => encodeLoosely(char));
  return fc
    .oneof(
      fc.constantFrom(
        '%ED%A0%BD',
        '%ED%B0%80',
        '%C0%AE',
        '%FF',
        '%',
        '%zz',
        '%00',
        'a%00b',
        '%0D%0A',
        '%2F..%2F..',
        '..',
        '.',
        '%E2%80%AE',
        '%EF%BB%BF',
      ),
      fc.constantFrom(
        '1e400',
        '-1',
        '1.5',
        'NaN',
        'Infinity',
        '0x10',
        '99999999999999999999',
        '9007199254740993',
        '+1',
        ' 1',
        '',
        'null',
        'true',
        '[]',
      ),
      fc.constantFrom(...BAD_TEXT).map(encodeLoosely),
      fc.string({ maxLength: 60 }).map(encodeLoosely),
      fc.integer({ min: 300, max: 20_000 }).map((n) => 'A'.repeat(n)),
    )
    .map(wireSafe);
}

/** A header value the wire can carry (visible Latin-1, spaces, tabs), hostile in what it says. */
export function hostileHeaderText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      'W/"1"',
      '"1", W/"2"',
      '*',
      '"-1"',
      '"1e400"',
      '"99999999999999999999"',
      'null',
      '\u00ff\u00fe',
      'Bearer',
      'Bearer ',
      'Basic YWRtaW46YWRtaW4=',
    ),
    fc.string({
      unit: fc
        .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(0x09))
        .map((c) => String.fromCharCode(c)),
      maxLength: 80,
    }),
    fc.integer({ min: 256, max: 8_000 }).map((n) => 'k'.repeat(n)),
  );
}

/** encodeURIComponent, but a lone surrogate goes out as its (invalid) UTF-8 bytes' escapes rather than throwing. */
export function encodeLoosely(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}
