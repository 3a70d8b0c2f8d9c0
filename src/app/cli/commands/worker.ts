/**
 * `moodscape worker --db postgres://… [--concurrency N]`: takes jobs from the fleet's queue until
 * SIGINT/SIGTERM, then finishes the running ones and exits.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { availableParallelism } from 'node:os';
import { startWorker } from '../../worker/run-worker.ts';
import { InputError } from '../../../core/common/errors.ts';
import { JOB_KINDS, type JobKind } from '../../../io/queue/fleet-queue.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag } from '../run-action.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';
import { fleetOptionsFromEnv, requirePostgres } from './fleet-options.ts';

interface WorkerFlags {
  db: string;
  concurrency: string;
  kind: string;
  quiet?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('work on the fleet\'s queued jobs (run any number, on any machine, with the same --db)')
    .requiredOption('--db <url>', 'postgres:// URL of the catalogue and queue')
    .addOption(new Option('--concurrency <n>', 'jobs at once per kind, each on its own thread').default(String(availableParallelism())))
    .option('--kind <kinds>', 'queues to work on: tag, analyze or tag,analyze', 'tag,analyze')
    .option('--quiet', 'no status on stderr')
    .action(action(async (flags: WorkerFlags) => {
      requirePostgres(flags.db);
      const concurrency = parseNumberFlag('concurrency', flags.concurrency, { integer: true, min: 1, max: 256 });
      const log = createLogger(Boolean(flags.quiet));
      const kinds = flags.kind.split(',').map((k) => k.trim());
      for (const k of kinds) if (!JOB_KINDS.includes(k as JobKind)) throw new InputError(`--kind takes ${JOB_KINDS.join(', ')} (comma-separated), got "${k}"`);
      const w = await startWorker({ db: flags.db, concurrency, kinds: kinds as JobKind[], queue: fleetOptionsFromEnv(), log });
      log(`worker ${process.pid}: ${concurrency} at a time on ${redactStoreSpec(flags.db)}`);
      await new Promise<void>((resolve) => {
        const onSignal = (sig: string) => {
          log(`worker ${process.pid}: ${sig}, finishing running jobs`);
          resolve();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      await w.stop();
      log(`worker ${process.pid}: ${w.counts.done} jobs done, ${w.counts.duplicate} already done elsewhere, ${w.counts.error} failed attempts`);
    }));
}
