import type { Command } from 'commander';
import { importCsv } from '../../../io/store/import-csv.ts';
import type { MissingStrategy } from '../../../io/csv/read-tracks.ts';
import { action, printJson } from '../run-action.ts';
import { InputError } from '../../../core/common/errors.ts';
import { createLogger, createProgress } from '../progress.ts';

const MISSING = ['median', 'mean', 'drop'] as const;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Upsert tracks from a CSV into a catalogue (one transaction: a failed import changes nothing)')
    .argument('<csv>', 'track CSV with Spotify-style audio features')
    .requiredOption('--db <catalogue>', 'SQLite file (created if missing) or postgres:// URL')
    .option('--lenient', 'drop invalid rows (and report them) instead of failing', false)
    .option('--missing <strategy>', 'fill gaps in feature columns with the column median or mean, or drop the row: median|mean|drop', 'median')
    .option('--unique-ids', 'a repeated id in the file is an error (default: keep the first row)', false)
    .option('--json', 'print the summary as JSON on stdout', false)
    .option('--quiet', 'no progress or status messages', false)
    .action(
      action(async (csv: string, o: { db: string; lenient: boolean; missing: string; uniqueIds: boolean; json: boolean; quiet: boolean }) => {
        if (!(MISSING as readonly string[]).includes(o.missing)) throw new InputError(`--missing must be one of ${MISSING.join(', ')}, got "${o.missing}"`);
        const quiet = o.quiet || o.json;
        const log = createLogger(quiet);
        const progress = createProgress({ quiet });
        let started = false;
        const { summary } = await importCsv(csv, o.db, {
          lenient: o.lenient,
          missing: o.missing as MissingStrategy,
          uniqueIds: o.uniqueIds,
          onProgress: (read, total) => {
            if (!started) {
              progress.start(total, 'reading');
              started = true;
            }
            progress.update(read);
          },
        }).finally(() => progress.stop());
        if (o.json) {
          printJson(summary);
          return;
        }
        const dropped = [
          summary.duplicates ? `${summary.duplicates} duplicate ids` : '',
          summary.rejected ? `${summary.rejected} invalid rows` : '',
          summary.droppedMissing ? `${summary.droppedMissing} rows with missing features` : '',
        ].filter(Boolean);
        if (dropped.length) log(`skipped ${dropped.join(', ')}`);
        process.stdout.write(
          `imported ${summary.inserted + summary.updated} tracks into ${summary.db}: ${summary.inserted} new, ${summary.updated} updated ` +
            `(${summary.total} in the catalogue, ${summary.seconds.toFixed(2)} s)\n`,
        );
      }),
    );
}
