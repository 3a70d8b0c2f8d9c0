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
import { CATALOGUE_USER, relabelEvent, type TasteEvent } from '../../../io/taste-store.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { openStore } from '../../../io/store/open-store.ts';
import { addIngestOptions, type IngestFlags } from '../common.ts';
import { catalogueSpec, isStoreSpec } from '../shared-flags.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';
import { addCatalogueSource, DEFAULT_TASTE_STORE, openCatalogue } from './recommend.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';

interface FeedbackFlags extends IngestFlags {
  user?: string;
  like?: string[];
  skip?: string[];
  relabel?: string[];
  model?: string;
  db?: string;
  catalog?: string;
  tasteStore?: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `ID=Mood` → the pair; the id may itself contain "=", the mood may not. */
export function parseRelabel(spec: string): { id: string; mood: string } {
  const at = spec.lastIndexOf('=');
  const id = at > 0 ? spec.slice(0, at).trim() : '', mood = at > 0 ? spec.slice(at + 1).trim() : '';
  if (!id || !mood) throw new InputError(`--relabel must be TRACK_ID=MOOD, got "${spec}"`);
  return { id, mood };
}

/** The moods a correction may name: the given model's, else the store's current model's. */
async function correctableMoods(spec: string, modelDir: string | undefined): Promise<readonly string[]> {
  if (modelDir !== undefined) return (await loadMoodModel(modelDir)).model.classes;
  if (!isStoreSpec(spec)) throw new InputError('--relabel with a CSV catalogue needs --model DIR: the model whose moods you correct');
  const store = await openStore(spec);
  try {
    const current = await store.getCurrentModel();
    if (!current) throw new InputError('the catalogue has no current model yet: tag it first (moodscape tag --db …) or give --model DIR');
    return current.classes;
  } finally {
    await store.close();
  }
}

export function feedbackItem(table: TrackTable, id: string): FeedbackItem {
  return feedbackItemAt(table, findTrack(table, id));
}

export function registerFeedback(program: Command): void {
  const cmd = addCatalogueSource(program
    .command('feedback')
    .description("record likes and skips in a user's taste profile (used by recommend --user and the server)"))
    .option('--user <name>', `user name (needed for likes and skips; relabels default to "${CATALOGUE_USER}")`)
    .option('--like <id>', 'a liked track id (repeatable)', collect)
    .option('--skip <id>', 'a skipped track id (repeatable)', collect)
    .option('--relabel <id=mood>', 'correct a track\'s mood, e.g. --relabel 4uLU6hMCjMI75M1A2tKUQC=Calm (repeatable; moodscape adapt learns from these)', collect)
    .option('--model <dir>', 'the model whose moods --relabel corrects (default with --db: the catalogue\'s current model)')
    .option('--taste-store <file>', `with a CSV catalogue: the taste profiles file (default ${DEFAULT_TASTE_STORE}); with --db they live in the store`)
    .option('--json', 'print the updated profile summary as JSON')
    .option('--quiet', 'no status on stderr');
  addIngestOptions(cmd).action(action(async (csv: string | undefined, flags: FeedbackFlags) => {
    const spec = catalogueSpec('feedback', csv, flags);
    const likes = flags.like ?? [], skips = flags.skip ?? [];
    const relabels = (flags.relabel ?? []).map(parseRelabel);
    if (!likes.length && !skips.length && !relabels.length) throw new InputError('give at least one --like ID, --skip ID or --relabel ID=MOOD');
    if ((likes.length || skips.length) && flags.user === undefined) throw new InputError('likes and skips need --user NAME');
    const user = flags.user ?? CATALOGUE_USER;
    const both = likes.filter((id) => skips.includes(id));
    if (both.length) throw new InputError(`track ${both[0]} is both liked and skipped`);
    const log = createLogger(Boolean(flags.quiet || flags.json));
    const opened = await openCatalogue(spec, flags, log, Boolean(flags.quiet || flags.json));
    const { table, taste } = opened;
    let profile, corrections = 0;
    try {
      if (relabels.length) {
        const classes = await correctableMoods(spec, flags.model);
        for (const r of relabels) if (!classes.includes(r.mood)) throw new InputError(`--relabel ${r.id}=${r.mood}: "${r.mood}" is not a mood of the model (${classes.join(', ')})`);
      }
      const events: TasteEvent[] = [
        ...likes.map((id) => ({ kind: 'like' as const, item: feedbackItem(table, id) })),
        ...skips.map((id) => ({ kind: 'skip' as const, item: feedbackItem(table, id) })),
        ...relabels.map((r) => relabelEvent(table, findTrack(table, r.id), r.mood)),
      ];
      profile = await taste.record(user, events);
      if (relabels.length) corrections = (await taste.corrections()).length;
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
    if (flags.json) return printJson({ user: profile.user, likes: profile.likes.length, skips: profile.skips.length, ...(relabels.length ? { relabelled: relabels.length, corrections } : {}), store: redactStoreSpec(taste.where), shiftsFromCatalogueMean: shifts });
    if (relabels.length) {
      log(`${relabels.length} mood correction${relabels.length === 1 ? '' : 's'} recorded → ${redactStoreSpec(taste.where)} (${corrections} corrected tracks in all; moodscape adapt learns from them)`);
      if (!likes.length && !skips.length) return;
    }
    log(`${profile.user}: ${profile.likes.length} likes, ${profile.skips.length} skips → ${redactStoreSpec(taste.where)}`);
    process.stdout.write((describeShifts(profile, shifts) ?? `${profile.user}: not enough feedback to shift any target yet`) + '\n');
  }));
}
