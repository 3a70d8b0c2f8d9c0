/**
 * Opens a catalogue store from a `--db` value: a `postgres://` or `postgresql://` URL opens the
 * PostgreSQL backend; anything else is a SQLite file path (created if missing; `:memory:` works).
 */
import type { CatalogueStore } from './catalogue-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { PostgresStore } from './postgres-store.ts';
import { isPostgresSpec } from './store-spec.ts';

export { isPostgresSpec, redactStoreSpec } from './store-spec.ts';

export async function openStore(spec: string): Promise<CatalogueStore> {
  if (isPostgresSpec(spec)) return PostgresStore.open(spec);
  return SqliteStore.open(spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec);
}

export type * from './catalogue-store.ts';
export { FEEDBACK_KINDS } from './catalogue-store.ts';
export { derivedTrackId } from './track-rows.ts';
export { SCHEMA_VERSION } from './schema.ts';
