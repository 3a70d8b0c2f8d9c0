/**
 * What a store spec (`--db`, `--catalog`, a server's configuration) names, and how it is shown in
 * messages: a `postgres://` or `postgresql://` URL is PostgreSQL, anything else a SQLite path.
 */

export function isPostgresSpec(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** The spec as messages and JSON output show it: a PostgreSQL URL's password becomes ***. */
export function redactStoreSpec(spec: string): string {
  if (!isPostgresSpec(spec)) return spec;
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
