/**
 * `moodscape fleet status|cancel|resume --db postgres://…`: what the fleet is doing (jobs by
 * state, tracks/s, ETA, failures with reasons), and stopping or restarting the queued work.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { FleetQueue, JOB_KINDS, type FleetStatus, type JobKind } from '../../../io/queue/fleet-queue.ts';
import { action, printJson } from '../run-action.ts';
import { fleetOptionsFromEnv, requirePostgres } from './fleet-options.ts';

function kindsOf(kind: string | undefined): readonly JobKind[] {
  if (kind === undefined) return JOB_KINDS;
  if (!JOB_KINDS.includes(kind as JobKind)) throw new InputError(`--kind must be ${JOB_KINDS.join(' or ')}, got "${kind}"`);
  return [kind as JobKind];
}

function duration(s: number | null): string {
  if (s === null) return 'unknown';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatStatus(s: FleetStatus): string {
  const lines = ['kind      waiting   active  retrying      done   failed  cancelled   items done  items left  items/s   ETA'];
  for (const k of s.kinds) {
    lines.push(
      `${k.kind.padEnd(8)} ${String(k.waiting).padStart(8)} ${String(k.active).padStart(8)} ${String(k.retrying).padStart(9)} ${String(k.done).padStart(9)} ${String(k.failed).padStart(8)} ${String(k.cancelled).padStart(10)}`
      + ` ${String(k.itemsDone).padStart(12)} ${String(k.itemsRemaining).padStart(11)} ${k.itemsPerSecond.toFixed(0).padStart(8)}   ${duration(k.etaSeconds)}`,
    );
  }
  if (s.failedJobs.length) {
    lines.push('', 'failed jobs (after every retry):');
    for (const f of s.failedJobs) lines.push(`  ${f.kind} ${f.key} (${f.attempts} attempts): ${f.error}`);
  }
  if (s.failedItems.length) {
    lines.push('', 'failed items:');
    for (const f of s.failedItems) lines.push(`  ${f.kind} ${f.item}: ${f.reason}`);
  }
  return lines.join('\n') + '\n';
}

async function withQueue<T>(db: string, fn: (q: FleetQueue) => Promise<T>): Promise<T> {
  const q = await FleetQueue.open(requirePostgres(db), fleetOptionsFromEnv());
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('watch and steer the fleet of workers (status, cancel, resume)');
  fleet
    .command('status')
    .description('jobs waiting, active, retrying, done and failed; tracks/s; ETA; failures with their reasons')
    .requiredOption('--db <url>', 'postgres:// URL of the catalogue and queue')
    .option('--json', 'print the status as JSON')
    .action(action(async (flags: { db: string; json?: boolean }) => {
      const s = await withQueue(flags.db, (q) => q.status());
      if (flags.json) printJson(s);
      else process.stdout.write(formatStatus(s));
    }));
  const steer = (name: string, description: string, verb: string, run: (q: FleetQueue, kind: JobKind) => Promise<number>) => fleet
    .command(name)
    .description(description)
    .requiredOption('--db <url>', 'postgres:// URL of the catalogue and queue')
    .option('--kind <kind>', `only this kind: ${JOB_KINDS.join(' or ')}`)
    .option('--json', 'print counts as JSON')
    .action(action(async (flags: { db: string; kind?: string; json?: boolean }) => {
      const out: Record<string, number> = {};
      await withQueue(flags.db, async (q) => { for (const k of kindsOf(flags.kind)) out[k] = await run(q, k); });
      if (flags.json) printJson({ [name === 'cancel' ? 'cancelled' : 'resumed']: out });
      else process.stdout.write(Object.entries(out).map(([k, n]) => `${k}: ${n} jobs ${verb}`).join('\n') + '\n');
    }));
  steer('cancel', 'cancel every queued job that has not started (running ones finish)', 'cancelled', (q, k) => q.cancel(k));
  steer('resume', 'queue cancelled jobs again, and give failed jobs another round of attempts', 'queued again', (q, k) => q.resume(k));
}
