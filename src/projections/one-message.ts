/**
 * Several statements as one simple-protocol message, which PostgreSQL runs as a
 * single transaction: one round trip, and all of them or none.
 */

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Several statements as one message (see above). Each value is
 * inlined as a quoted literal of no declared type, as an untyped parameter would
 * be sent, so the server reads it as whatever type its place calls for. Only for
 * the SQL of this module and the projections, which has no `$n` in quotes.
 */
export function oneMessage(statements: readonly Statement[]): string {
  return statements.map(({ text, values }) => text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1]))).join(';\n');
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) return quote(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

/** What pg's escapeLiteral gives, by whole-string replaces: its loop per character is slow on a batch's JSON. */
function quote(text: string): string {
  const quoted = `'${text.replace(/'/g, "''")}'`;
  return text.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
