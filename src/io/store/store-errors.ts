/**
 * Telling an unavailable store (PostgreSQL down, restarting or unreachable; a SQLite file that
 * cannot be opened or is locked) from a bad request or a bug, so the service can answer 503 and
 * retry later instead of 500.
 */

/** Node socket errors and PostgreSQL SQLSTATEs of class 08 (connection) and 57P (shutdown). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL',
]);

/** pg's own messages for a connection lost without a code. */
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

export function isStoreUnavailable(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (cur instanceof AggregateError && cur.errors.some((x) => isStoreUnavailable(x))) return true;
    if (cur instanceof Error && UNAVAILABLE_MESSAGES.test(cur.message)) return true;
  }
  return false;
}
