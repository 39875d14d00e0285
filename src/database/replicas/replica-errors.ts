/**
 * An error that says the server or the connection is gone, rather than that a
 * statement failed: connection refused or reset, the pool's connect timeout,
 * an ended connection, and PostgreSQL's own classes for it (08 connection
 * exception, 57P01-57P03 shutdown, crash and "cannot connect now").
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^08/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
      return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}
