/**
 * How a replica is named in /health, /metrics and the log: host:port/database
 * from its URL, never the user or password. Two URLs naming the same server and
 * database (with different users, say) get #2, #3 appended.
 */
export function replicaNames(urls: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return urls.map((url) => {
    const base = nameOf(url);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  });
}

function nameOf(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    // Validated as postgres://… already; a URL that still does not parse is named without its text.
    return 'replica';
  }
}
