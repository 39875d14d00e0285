import fc from 'fast-check';
import type { RawRequest } from '../raw-http.js';
import type { JsonSchema, Operation, Parameter } from './openapi-operations.js';
import { encodeLoosely, hostileBodyText, hostileHeaderText, hostileUrlText, hostileValue, RawJson, toJsonText } from './hostile-values.js';

/** Who sends the request: nobody in particular, a customer acting on orders they placed, or a member of staff. */
export type Caller = 'anonymous' | 'customer' | 'staff';

export interface FuzzFixture {
  staffToken: string;
  /** Orders the customer placed, in several states: "their" ids. */
  orderIds: string[];
  webhookIds: string[];
  projectionNames: string[];
}

/** What one generated request is, before it goes on the wire: kept for the report when it fails. */
export interface FuzzCase {
  operation: string;
  caller: Caller;
  mutations: string[];
  request: RawRequest;
}

/** A value the schema accepts, preferring the document's own example, so most requests get past validation and reach the domain. */
export function validValue(schema: JsonSchema, fixture: FuzzFixture, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const example = schema.example !== undefined ? [fc.constant(schema.example)] : [];
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...fixture.orderIds), fc.uuid());
      if (schema.format === 'date-time')
        return fc.oneof(
          ...example,
          fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        );
      if (schema.format === 'date')
        return fc.oneof(
          ...example,
          fc
            .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10)),
        );
      const text = fc.string({ minLength: schema.minLength ?? 1, maxLength: Math.min(schema.maxLength ?? 40, 40) });
      return example.length ? fc.oneof({ weight: 4, arbitrary: example[0] }, { weight: 1, arbitrary: text }) : text;
    }
    case 'number':
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? 1_000_000, 1_000_000);
      return fc.oneof(...example, fc.integer({ min, max: Math.max(min, max) }));
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (schema.example !== undefined && Array.isArray(schema.example) && !schema.items?.properties) return fc.constant(schema.example);
      const items = schema.items ?? { type: 'string' };
      return fc.array(depth > 4 ? fc.constant(null) : validValue(items, fixture, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    }
    case 'object':
    default: {
      if (!schema.properties) return example.length ? example[0] : fc.constant({});
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties).map(([key, inner]) =>
        required.has(key)
          ? validValue(inner, fixture, depth + 1).map((value) => [key, value] as const)
          : fc.option(
              validValue(inner, fixture, depth + 1).map((value) => [key, value] as const),
              { nil: undefined, freq: 3 },
            ),
      );
      return fc
        .tuple(...fields)
        .map((entries) => Object.fromEntries(entries.filter((entry): entry is readonly [string, unknown] => entry !== undefined)));
    }
  }
}

type Draft = {
  params: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  /** A JSON value (maybe holding RawJson), or the whole body as text. */
  body?: unknown;
  bodyText?: string;
  mutations: string[];
};

type Mutation = (draft: Draft) => void;

/** Every place inside a JSON value: a path to each object, array and leaf. */
function placesIn(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((inner, i) => placesIn(inner, [...path, i]))];
  if (value !== null && typeof value === 'object' && !(value instanceof RawJson)) {
    return [...here, ...Object.entries(value).flatMap(([key, inner]) => placesIn(inner, [...path, key]))];
  }
  return here;
}

function replaceAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  copy[head] = replaceAt(copy[head], rest, value);
  return copy;
}

function mutations(operation: Operation): fc.Arbitrary<Mutation> {
  const choices: Array<fc.Arbitrary<Mutation>> = [];
  if (operation.body) {
    choices.push(
      fc.tuple(fc.nat(), hostileValue()).map(([pick, value]): Mutation => (d) => {
        const places = placesIn(d.body);
        const path = places[pick % places.length];
        d.body = replaceAt(d.body, path, value);
        d.mutations.push(`body${path.map((p) => `.${p}`).join('')} := ${describe(value)}`);
      }),
      fc
        .tuple(fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'unknownField', 'toString', ''), hostileValue())
        .map(([pick, key, value]): Mutation => (d) => {
          const objects = placesIn(d.body).filter((path) => {
            const node = path.reduce<any>((at, key) => at?.[key], d.body);
            return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof RawJson);
          });
          if (!objects.length) return;
          const path = objects[pick % objects.length];
          const node = path.reduce<any>((at, k) => at[k], d.body);
          // Spliced in as text, so "__proto__" arrives as an own key, not as a prototype.
          const text = toJsonText(node).replace(
            /^\{/,
            `{${JSON.stringify(key)}:${toJsonText(value)}${Object.keys(node).length ? ',' : ''}`,
          );
          d.body = replaceAt(d.body, path, new RawJson(text));
          d.mutations.push(`body${path.map((p) => `.${p}`).join('')} gains ${JSON.stringify(key)}`);
        }),
      hostileBodyText().map((text): Mutation => (d) => {
        d.bodyText = text;
        d.mutations.push(`body is ${describe(text)}`);
      }),
      fc
        .constantFrom(
          undefined,
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'multipart/form-data; boundary=x',
          'application/jsonx',
          'application/json;;',
          '*/*',
        )
        .map((type): Mutation => (d) => {
          if (type === undefined) delete d.headers['content-type'];
          else d.headers['content-type'] = type;
          d.mutations.push(`content-type ${type ?? 'missing'}`);
        }),
    );
  }
  const params = operation.parameters;
  const inUrl = params.filter((p) => p.in !== 'header');
  if (inUrl.length) {
    choices.push(
      fc.tuple(fc.constantFrom(...inUrl), hostileUrlText()).map(([param, text]): Mutation => (d) => {
        if (param.in === 'path') d.params[param.name] = text;
        else d.query = [...d.query.filter(([k]) => k !== param.name), [param.name, text]];
        d.mutations.push(`${param.in} ${param.name} := ${describe(text)}`);
      }),
    );
  }
  const inQuery = params.filter((p) => p.in === 'query');
  if (inQuery.length) {
    choices.push(
      fc.constantFrom(...inQuery.map((p) => p.name), ...inQuery.map((p) => `${p.name}[]`)).map((name): Mutation => (d) => {
        const same = d.query.find(([k]) => k === name.replace('[]', ''));
        d.query.push([name, same?.[1] ?? '1'], [name, '2']);
        d.mutations.push(`query ${name} repeated`);
      }),
    );
  }
  choices.push(
    fc
      .tuple(
        fc.constantFrom(
          ...params.filter((p) => p.in === 'header').map((p) => p.name),
          'authorization',
          'if-match',
          'idempotency-key',
          'x-correlation-id',
          'last-event-id',
          'accept',
          'content-encoding',
        ),
        hostileHeaderText(),
      )
      .map(([name, value]): Mutation => (d) => {
        d.headers[name.toLowerCase()] = value;
        d.mutations.push(`header ${name} := ${describe(value)}`);
      }),
    fc
      .tuple(fc.constantFrom('_', 'utm_source', '__proto__', 'constructor[prototype]', '%zz', 'a%00b'), hostileUrlText())
      .map(([key, value]): Mutation => (d) => {
        d.query.push([key, value]);
        d.mutations.push(`unknown query ${key}`);
      }),
  );
  return fc.oneof(...choices);
}

function describe(value: unknown): string {
  const text = value instanceof RawJson ? value.text : typeof value === 'string' ? JSON.stringify(value) : toJsonText(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} chars)` : text;
}

function validParam(param: Parameter, operation: Operation, fixture: FuzzFixture): fc.Arbitrary<string> {
  if (param.in === 'path') {
    if (operation.path.startsWith('/admin/webhooks'))
      return fc.oneof(fc.constantFrom(...(fixture.webhookIds.length ? fixture.webhookIds : ['none'])), fc.uuid());
    if (param.name === 'name') return fc.constantFrom(...fixture.projectionNames);
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fixture.orderIds) }, { weight: 1, arbitrary: fc.uuid() });
  }
  if (param.name === 'minPosition') return fc.constantFrom('0', '1');
  if (param.name === 'token') return fc.constant(fixture.staffToken);
  return validValue(param.schema, fixture).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

/**
 * One request to the operation: a valid one, as the document describes it,
 * spoiled by none to three mutations (a valid request reaches the domain and
 * moves orders on, so later spoiled ones meet orders in every state).
 */
export function fuzzCase(operation: Operation, fixture: FuzzFixture): fc.Arbitrary<FuzzCase> {
  const params = operation.parameters.filter((p) => p.name.toLowerCase() !== 'last-event-id');
  const draft = fc.record({
    caller: fc.constantFrom<Caller>('anonymous', 'customer', 'staff'),
    strangerId: fc.uuid(),
    values: fc.tuple(
      ...params.map((p) =>
        p.required || p.in === 'path'
          ? validParam(p, operation, fixture)
          : fc.option(validParam(p, operation, fixture), { nil: undefined, freq: 2 }),
      ),
    ),
    body: operation.body ? validValue(operation.body, fixture) : fc.constant(undefined),
    changes: fc.array(mutations(operation), { minLength: 0, maxLength: 3 }),
  });
  return draft.map(({ caller, strangerId, values, body, changes }) => {
    const d: Draft = { params: {}, query: [], headers: {}, body, mutations: [] };
    params.forEach((param, i) => {
      const value = values[i];
      if (value === undefined) return;
      if (param.in === 'path') d.params[param.name] = encodeLoosely(value);
      else if (param.in === 'query') d.query.push([param.name, encodeLoosely(value)]);
      else if (param.name.toLowerCase() !== 'if-match') d.headers[param.name.toLowerCase()] = value;
    });
    // Anonymous callers guess ids; customers act on the orders they placed.
    if (caller === 'anonymous' && 'id' in d.params) d.params.id = strangerId;
    if (caller === 'staff') d.headers.authorization = `Bearer ${fixture.staffToken}`;
    if (operation.body) d.headers['content-type'] = 'application/json';
    for (const change of changes) change(d);
    const path = operation.path.replace(/:(\w+)/g, (_, name: string) => d.params[name] ?? strangerId);
    const query = d.query.map(([k, v]) => `${encodeLoosely(k).replace(/%25/g, '%')}=${v}`).join('&');
    const text = d.bodyText ?? (operation.body ? toJsonText(d.body) : undefined);
    return {
      operation: operation.name,
      caller,
      mutations: d.mutations,
      request: { method: operation.method, path: query ? `${path}?${query}` : path, headers: d.headers, body: text, timeoutMs: 15_000 },
    };
  });
}
