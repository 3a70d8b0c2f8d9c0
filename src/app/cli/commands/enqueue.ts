/**
 * `moodscape enqueue --db postgres://… (--analyze FOLDER… | --tag [--model DIR]) [--batch N]
 * [--max-waiting N]`: queues audio files to analyse into the catalogue, or the catalogue's tracks
 * to tag, for the fleet in batches. Running it again enqueues only batches the
 * ledger does not know, so an interrupted enqueue resumes and a finished one adds nothing.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { DEFAULT_BATCH_TRACKS } from '../../../io/queue/tag-batches.ts';
import { DEFAULT_BATCH_FILES } from '../../../io/queue/analyze-batches.ts';
import { enqueueAnalysis, enqueueTagging } from '../../../io/queue/enqueue-work.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';
import { fleetOptionsFromEnv, requirePostgres } from './fleet-options.ts';

interface EnqueueFlags {
  db: string;
  tag?: boolean;
  analyze?: string[];
  model?: string;
  batch?: string;
  maxWaiting: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('queue work for the fleet of workers: analyse audio folders into a PostgreSQL catalogue (--analyze), or tag every track (--tag)')
    .requiredOption('--db <url>', 'postgres:// URL of the catalogue (the queue lives in the same database)')
    .option('--analyze <folders...>', 'queue analysis of every audio file under these folders (paths as every worker sees them); tracks go to the catalogue')
    .option('--tag', 'queue tagging of every track with the model (results go to the tags table)')
    .option('--model <dir>', 'with --tag: the model directory, reachable at the same path by every worker (default: the catalogue\'s current model)')
    .option('--batch <n>', `tracks (default ${DEFAULT_BATCH_TRACKS}) or files (default ${DEFAULT_BATCH_FILES}) per job`)
    .option('--max-waiting <n>', 'wait while this many jobs are waiting', '200000')
    .option('--json', 'print a summary as JSON')
    .option('--quiet', 'no status on stderr')
    .action(action(async (flags: EnqueueFlags) => {
      requirePostgres(flags.db);
      if (Boolean(flags.tag) === Boolean(flags.analyze)) throw new InputError('say what to queue: --analyze FOLDER… or --tag');
      if (flags.analyze && flags.model) throw new InputError('--model goes with --tag');
      const batchSize = flags.batch === undefined ? undefined : parseNumberFlag('batch', flags.batch, { integer: true, min: 1, max: 10_000 });
      const maxWaiting = parseNumberFlag('max-waiting', flags.maxWaiting, { integer: true, min: 1 });
      const log = createLogger(Boolean(flags.quiet || flags.json));
      const db = redactStoreSpec(flags.db);
      if (flags.analyze) {
        const summary = await enqueueAnalysis(flags.db, flags.analyze, { batchSize, maxWaiting, log, queue: fleetOptionsFromEnv() });
        if (flags.json) printJson({ db, kind: 'analyze', ...summary });
        else log(`${db}: ${summary.enqueued} analysis jobs queued, ${summary.skipped} already known (${summary.items} files)`);
        return;
      }
      const summary = await enqueueTagging(flags.db, flags.model, { batchSize, maxWaiting, log, queue: fleetOptionsFromEnv() });
      if (flags.json) printJson({ db, kind: 'tag', ...summary });
      else log(`${db}: ${summary.enqueued} tag jobs queued, ${summary.skipped} already known (${summary.items} tracks, model ${summary.modelId})`);
    }));
}
