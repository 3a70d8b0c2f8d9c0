/**
 * `moodscape feedback --user U --like ID --skip ID --db STORE` (or a track CSV instead of --db):
 * records likes and skips. With a store they go to its feedback table — the same one the server's
 * POST /feedback writes; with a CSV catalogue, to the taste profiles file (written atomically),
 * which keeps each track's attributes so the profile works with any catalogue later.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { describeShifts, feedbackItemAt, findTrack, tasteShifts, type FeedbackItem } from '../../../core/recommend/index.ts';
import type { TrackTable } from '../../../core/data/track-table.ts';
import type { TasteEvent } from '../../../io/taste-store.ts';
import { addIngestOptions, type IngestFlags } from '../common.ts';
import { catalogueSpec } from '../shared-flags.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';
import { addCatalogueSource, DEFAULT_TASTE_STORE, openCatalogue } from './recommend.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';

interface FeedbackFlags extends IngestFlags {
  user: string;
  like?: string[];
  skip?: string[];
  db?: string;
  catalog?: string;
  tasteStore?: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function feedbackItem(table: TrackTable, id: string): FeedbackItem {
  return feedbackItemAt(table, findTrack(table, id));
}

export function registerFeedback(program: Command): void {
  const cmd = addCatalogueSource(program
    .command('feedback')
    .description("record likes and skips in a user's taste profile (used by recommend --user and the server)"))
    .requiredOption('--user <name>', 'user name')
    .option('--like <id>', 'a liked track id (repeatable)', collect)
    .option('--skip <id>', 'a skipped track id (repeatable)', collect)
    .option('--taste-store <file>', `with a CSV catalogue: the taste profiles file (default ${DEFAULT_TASTE_STORE}); with --db they live in the store`)
    .option('--json', 'print the updated profile summary as JSON')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (csv: string | undefined, flags: FeedbackFlags) => {
    const spec = catalogueSpec('feedback', csv, flags);
    const likes = flags.like ?? [], skips = flags.skip ?? [];
    if (!likes.length && !skips.length) throw new InputError('give at least one --like ID or --skip ID');
    const both = likes.filter((id) => skips.includes(id));
    if (both.length) throw new InputError(`track ${both[0]} is both liked and skipped`);
    const log = createLogger(Boolean(flags.quiet || flags.json));
    const opened = await openCatalogue(spec, flags, log, Boolean(flags.quiet || flags.json));
    const { table, taste } = opened;
    let profile;
    try {
      const events: TasteEvent[] = [
        ...likes.map((id) => ({ kind: 'like' as const, item: feedbackItem(table, id) })),
        ...skips.map((id) => ({ kind: 'skip' as const, item: feedbackItem(table, id) })),
      ];
      profile = await taste.record(flags.user, events);
    } finally {
      await opened.close();
    }
    // What the profile would do to a neutral query (targets at the catalogue mean).
    const mean = (k: string) => {
      const col = table.numeric[k];
      if (!col) return undefined;
      let s = 0, c = 0;
      for (const v of col) if (Number.isFinite(v)) { s += v; c++; }
      return c ? s / c : undefined;
    };
    const shifts = tasteShifts(profile, mean);
    if (flags.json) return printJson({ user: profile.user, likes: profile.likes.length, skips: profile.skips.length, store: redactStoreSpec(taste.where), shiftsFromCatalogueMean: shifts });
    log(`${profile.user}: ${profile.likes.length} likes, ${profile.skips.length} skips → ${redactStoreSpec(taste.where)}`);
    process.stdout.write((describeShifts(profile, shifts) ?? `${profile.user}: not enough feedback to shift any target yet`) + '\n');
  }));
}
