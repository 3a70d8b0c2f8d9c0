/**
 * Importing a track CSV into a catalogue store: what `moodscape import` does, and what tests and
 * scripts call to fill a store. The whole file is read first, then upserted in one transaction.
 */
import { readTracksCsv, type IngestReport, type MissingStrategy } from '../csv/read-tracks.ts';
import { openStore } from './open-store.ts';
import { redactStoreSpec } from './store-spec.ts';

export interface ImportOptions {
  lenient?: boolean;
  /** How gaps in feature columns are filled before storing (the reader's default: median). */
  missing?: MissingStrategy;
  /** A repeated id in the file is an error instead of being dropped. */
  uniqueIds?: boolean;
  quiet?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ImportSummary {
  file: string;
  /** The --db value, with any password hidden. */
  db: string;
  rowsRead: number;
  rowsKept: number;
  duplicates: number;
  rejected: number;
  droppedMissing: number;
  inserted: number;
  updated: number;
  /** Tracks in the catalogue after the import. */
  total: number;
  seconds: number;
}

/**
 * Reads the whole CSV first (a bad file throws InputError before the store is even opened), then
 * upserts every track by id in one transaction.
 */
export async function importCsv(file: string, db: string, opts: ImportOptions = {}): Promise<{ summary: ImportSummary; report: IngestReport }> {
  const t0 = performance.now();
  const readOpts = Object.fromEntries(
    Object.entries({ lenient: opts.lenient, missing: opts.missing, uniqueIds: opts.uniqueIds, onProgress: opts.onProgress }).filter(([, v]) => v !== undefined),
  );
  const { table, report } = await readTracksCsv(file, readOpts);
  const store = await openStore(db);
  try {
    const { inserted, updated } = await store.upsertTracks(table);
    const total = await store.countTracks();
    return {
      report,
      summary: {
        file,
        db: redactStoreSpec(db),
        rowsRead: report.rowsRead,
        rowsKept: report.rowsKept,
        duplicates: report.duplicates,
        rejected: report.rejected.length,
        droppedMissing: report.droppedMissing,
        inserted,
        updated,
        total,
        seconds: Math.round(performance.now() - t0) / 1000,
      },
    };
  } finally {
    await store.close();
  }
}
