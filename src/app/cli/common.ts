/**
 * Flags and steps shared by several commands: reading a track CSV with the ingest options, and
 * printing what ingest did.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/common/errors.ts';
import { readTracksCsv, type IngestResult } from '../../io/csv/read-tracks.ts';
import type { MissingStrategy } from '../../core/data/clean.ts';
import { createProgress } from './progress.ts';

export interface IngestFlags {
  lenient?: boolean;
  missing?: string;
  keepDuplicates?: boolean;
  uniqueIds?: boolean;
}

export function addIngestOptions(cmd: Command): Command {
  return cmd
    .option('--lenient', 'drop rows with invalid values (reporting each) instead of stopping at the first')
    .option('--missing <strategy>', 'missing values: median, mean or drop', 'median')
    .option('--keep-duplicates', 'keep rows whose id already appeared (default: keep the first only)')
    .option('--unique-ids', 'treat a repeated id as an error (default: keep the first and count the rest)');
}

export async function ingest(path: string, flags: IngestFlags, opts: { quiet?: boolean } = {}): Promise<IngestResult> {
  const missing = (flags.missing ?? 'median') as MissingStrategy;
  if (!['median', 'mean', 'drop'].includes(missing)) {
    throw new InputError(`--missing must be median, mean or drop, got "${flags.missing}"`);
  }
  const progress = createProgress({ quiet: opts.quiet });
  let started = false;
  try {
    return await readTracksCsv(path, {
      lenient: Boolean(flags.lenient),
      missing,
      dedupe: !flags.keepDuplicates,
      uniqueIds: Boolean(flags.uniqueIds),
      onProgress: (read, total) => {
        // Only worth a bar for files that take more than about a second.
        if (!started && total > 20_000_000) { progress.start(total, 'reading'); started = true; }
        if (started) progress.update(read);
      },
    });
  } finally {
    progress.stop();
  }
}

/** Human-readable lines describing what ingest did. */
export function describeIngest(r: IngestResult): string[] {
  const rep = r.report;
  const lines = [`${rep.file}: ${rep.rowsKept} tracks kept of ${rep.rowsRead} rows`];
  if (rep.duplicates) lines.push(`  ${rep.duplicates} duplicate ids dropped (first kept)`);
  const imputed = Object.entries(rep.imputed).filter(([, n]) => n > 0);
  if (imputed.length) lines.push(`  imputed: ${imputed.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  if (rep.droppedMissing) lines.push(`  ${rep.droppedMissing} rows dropped for missing values`);
  if (rep.rejected.length) {
    lines.push(`  ${rep.rejected.length} invalid rows dropped (--lenient):`);
    for (const r of rep.rejected.slice(0, 20)) lines.push(`    row ${r.row}${r.column ? `, column "${r.column}"` : ''}: ${r.message}`);
    if (rep.rejected.length > 20) lines.push(`    … and ${rep.rejected.length - 20} more`);
  }
  if (rep.missingOptional.length) lines.push(`  optional features absent: ${rep.missingOptional.join(', ')}`);
  return lines;
}

export function ingestSummary(r: IngestResult): Record<string, unknown> {
  const rep = r.report;
  return {
    file: rep.file,
    rowsRead: rep.rowsRead,
    rowsKept: rep.rowsKept,
    duplicates: rep.duplicates,
    imputed: rep.imputed,
    droppedMissing: rep.droppedMissing,
    rejected: rep.rejected,
    missingOptional: rep.missingOptional,
  };
}
