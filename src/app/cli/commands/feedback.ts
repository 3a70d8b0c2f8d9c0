/**
 * `moodscape feedback --user U --like ID --skip ID --catalog FILE`: records likes and skips in the
 * user's taste profile (a JSON store, written atomically). Each track's attributes are kept with
 * the feedback, so the profile works with any catalogue later.
 */
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { describeShifts, findTrack, TASTE_KNOBS, tasteShifts, type FeedbackItem } from '../../../core/recommend/index.ts';
import type { TrackTable } from '../../../core/data/track-table.ts';
import { recordFeedback } from '../../../io/taste-store.ts';
import { addIngestOptions, type IngestFlags } from '../common.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';
import { DEFAULT_TASTE_STORE, readCatalogTable } from './recommend.ts';

interface FeedbackFlags extends IngestFlags {
  user: string;
  like?: string[];
  skip?: string[];
  catalog: string;
  tasteStore: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function feedbackItem(table: TrackTable, id: string): FeedbackItem {
  const row = findTrack(table, id);
  const features: Record<string, number> = {};
  for (const k of TASTE_KNOBS) {
    const v = table.numeric[k]?.[row];
    if (v !== undefined && Number.isFinite(v)) features[k] = v;
  }
  return { id: table.text.id[row], features };
}

export function registerFeedback(program: Command): void {
  const cmd = program
    .command('feedback')
    .description("record likes and skips in a user's taste profile (used by recommend --user)")
    .requiredOption('--user <name>', 'user name')
    .option('--like <id>', 'a liked track id (repeatable)', collect)
    .option('--skip <id>', 'a skipped track id (repeatable)', collect)
    .requiredOption('--catalog <file>', 'catalogue holding the tracks (CSV, .db or postgres://)')
    .option('--taste-store <file>', 'taste profiles file', DEFAULT_TASTE_STORE)
    .option('--json', 'print the updated profile summary as JSON')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (flags: FeedbackFlags) => {
    const likes = flags.like ?? [], skips = flags.skip ?? [];
    if (!likes.length && !skips.length) throw new InputError('give at least one --like ID or --skip ID');
    const both = likes.filter((id) => skips.includes(id));
    if (both.length) throw new InputError(`track ${both[0]} is both liked and skipped`);
    const log = createLogger(Boolean(flags.quiet || flags.json));
    const table = await readCatalogTable(flags.catalog, flags, log, Boolean(flags.quiet || flags.json));
    const profile = await recordFeedback(flags.tasteStore, flags.user, likes.map((id) => feedbackItem(table, id)), skips.map((id) => feedbackItem(table, id)));
    // What the profile would do to a neutral query (targets at the catalogue mean).
    const mean = (k: string) => {
      const col = table.numeric[k];
      if (!col) return undefined;
      let s = 0, c = 0;
      for (const v of col) if (Number.isFinite(v)) { s += v; c++; }
      return c ? s / c : undefined;
    };
    const shifts = tasteShifts(profile, mean);
    if (flags.json) return printJson({ user: profile.user, likes: profile.likes.length, skips: profile.skips.length, store: flags.tasteStore, shiftsFromCatalogueMean: shifts });
    log(`${profile.user}: ${profile.likes.length} likes, ${profile.skips.length} skips → ${flags.tasteStore}`);
    process.stdout.write((describeShifts(profile, shifts) ?? `${profile.user}: not enough feedback to shift any target yet`) + '\n');
  }));
}
