/**
 * The part of JSON Schema (draft 2020-12) that event definitions use. Schemas
 * are plain data, published as they are by GET /events/schemas; `validate`
 * checks a value against one, so tests hold stored events to what integrators
 * are promised. A keyword outside this subset is refused rather than ignored.
 */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: JsonType | readonly JsonType[];
  enum?: readonly unknown[];
  const?: unknown;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: 'date-time' | 'uuid' | 'uri';
}

const KNOWN_KEYWORDS = new Set<string>([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'format',
]);

const FORMATS: Record<NonNullable<JsonSchema['format']>, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
};

/** Every way `value` breaks `schema`, as "path: problem" lines; empty when it conforms. */
export function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`JSON Schema keyword "${keyword}" at ${path} is not supported`);
  }
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const allowed: readonly JsonType[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.some((type) => hasType(value, type))) {
      return [`${path}: must be ${allowed.join(' or ')}, got ${describe(value)}`];
    }
  }
  if (schema.const !== undefined && !sameJson(schema.const, value)) {
    problems.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum !== undefined && !schema.enum.some((option) => sameJson(option, value))) {
    problems.push(`${path}: must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if (typeof value === 'string') problems.push(...validateString(schema, value, path));
  if (typeof value === 'number') problems.push(...validateNumber(schema, value, path));
  if (Array.isArray(value)) problems.push(...validateArray(schema, value, path));
  if (isObject(value)) problems.push(...validateObject(schema, value, path));
  return problems;
}

function validateString(schema: JsonSchema, value: string, path: string): string[] {
  const problems: string[] = [];
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength)
    problems.push(`${path}: must have at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && length > schema.maxLength)
    problems.push(`${path}: must have at most ${schema.maxLength} characters`);
  if (schema.format !== undefined && !FORMATS[schema.format].test(value)) problems.push(`${path}: must be a ${schema.format}`);
  return problems;
}

function validateNumber(schema: JsonSchema, value: number, path: string): string[] {
  const problems: string[] = [];
  if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: must be at least ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: must be at most ${schema.maximum}`);
  return problems;
}

function validateArray(schema: JsonSchema, value: unknown[], path: string): string[] {
  const problems: string[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems)
    problems.push(`${path}: must have at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: must have at most ${schema.maxItems} items`);
  if (schema.items) value.forEach((item, i) => problems.push(...validate(schema.items!, item, `${path}[${i}]`)));
  return problems;
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) problems.push(`${path}.${name}: is required`);
  }
  for (const [name, property] of Object.entries(value)) {
    const known = schema.properties && Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    if (known) problems.push(...validate(known, property, `${path}.${name}`));
    else if (schema.additionalProperties === false) problems.push(`${path}.${name}: is not allowed`);
    else if (typeof schema.additionalProperties === 'object')
      problems.push(...validate(schema.additionalProperties, property, `${path}.${name}`));
  }
  return problems;
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default: {
      const unknownType: never = type;
      throw new Error(`Unknown JSON type ${String(unknownType)}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Number.isInteger(value)) return 'an integer';
  return `a ${typeof value}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
