/**
 * Where likes and skips live. One interface, `TasteStore`, that the CLI (`feedback`,
 * `recommend --user`) and the server share:
 * - a catalogue store (`catalogueTasteStore`): the feedback table behind the CatalogueStore
 *   interface, SQLite or PostgreSQL — what `--db` and the server use, so a like given in the web app
 *   and one given on the command line land in the same place;
 * - the file fallback (`fileTasteStore`), only when no store is given (a CSV catalogue): one JSON
 *   file, `{"format":"moodscape-taste/1","users":{"alice":{…}}}`, read, updated and written to a
 *   temp file renamed over the old one (a crash never leaves half a file; the last writer wins).
 *   It keeps each track's attributes, so the profile works with any catalogue later.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/common/errors.ts';
import { addFeedback, emptyProfile, feedbackItemAt, type FeedbackItem, type TasteProfile } from '../core/recommend/index.ts';
import type { TrackTable } from '../core/data/track-table.ts';
import type { CatalogueStore, FeedbackKind } from './store/catalogue-store.ts';
import { writeFileAtomic } from './atomic.ts';

/** One piece of feedback on a track. */
export interface TasteEvent {
  readonly kind: FeedbackKind;
  readonly item: FeedbackItem;
  /** The corrected mood, for a `relabel`. */
  readonly mood?: string;
}

/**
 * A track's mood as a user corrected it (the latest relabel of the track), with the track's
 * numeric columns, so `adapt` can read the model inputs without the catalogue.
 */
export interface Correction {
  readonly trackId: string;
  readonly mood: string;
  readonly user: string;
  readonly features: Readonly<Record<string, number>>;
}

/** Who a correction is recorded under when no user is given: the catalogue's own curation. */
export const CATALOGUE_USER = 'catalogue';

/** Every finite numeric column of one row (the model's inputs among them). */
export function numericRow(table: TrackTable, row: number): Record<string, number> {
  const features: Record<string, number> = {};
  for (const [k, col] of Object.entries(table.numeric)) if (Number.isFinite(col[row])) features[k] = col[row];
  return features;
}

/** A relabel event for the track at `row`: it keeps every numeric column. */
export function relabelEvent(table: TrackTable, row: number, mood: string): TasteEvent {
  return { kind: 'relabel', item: { id: table.text.id[row], features: numericRow(table, row) }, mood };
}

export interface TasteStore {
  /** Where the profiles live, for messages. */
  readonly where: string;
  /** Records the events in order; returns the user's profile after them. */
  record(user: string, events: readonly TasteEvent[]): Promise<TasteProfile>;
  /** The user's profile; `known` is false when the user has no feedback yet. */
  profile(user: string): Promise<TasteProfile & { known: boolean }>;
  /** Every corrected track with its latest relabel (whoever made it), ordered by track id. */
  corrections(): Promise<Correction[]>;
}

/** Applies events in order: likes and skips move the profile, other kinds leave the taste alone. */
export function applyTasteEvents(profile: TasteProfile, events: readonly TasteEvent[]): TasteProfile {
  let p = profile;
  for (const e of events) {
    if (e.kind === 'like') p = addFeedback(p, [e.item], []);
    else if (e.kind === 'skip') p = addFeedback(p, [], [e.item]);
  }
  return p;
}

/**
 * Feedback in a catalogue store. Track attributes come from `table` (the store's catalogue, as
 * loadCatalog gives it); feedback on a track no longer in it keeps its place with no attributes.
 */
export function catalogueTasteStore(store: CatalogueStore, table: TrackTable, rowOf?: ReadonlyMap<string, number>): TasteStore {
  const rows = rowOf ?? new Map((table.text.id ?? []).map((id, i) => [id, i]));
  const itemOf = (id: string): FeedbackItem => {
    const r = rows.get(id);
    return r === undefined ? { id, features: {} } : feedbackItemAt(table, r);
  };
  const profile = async (user: string) => {
    const feedback = await store.getFeedback(user);
    const p = applyTasteEvents(emptyProfile(user), feedback.map((f) => ({ kind: f.kind, item: itemOf(f.trackId) })));
    return { ...p, known: feedback.length > 0 };
  };
  return {
    where: `the ${store.kind} catalogue`,
    async record(user, events) {
      checkUserName(user);
      for (const e of events) await store.addFeedback(user, e.item.id, e.kind, e.kind === 'relabel' ? e.mood : undefined);
      return profile(user);
    },
    profile,
    async corrections() {
      return (await store.getCorrections()).map((c) => {
        const r = rows.get(c.trackId);
        return { trackId: c.trackId, mood: c.mood, user: c.user, features: r === undefined ? {} : numericRow(table, r) };
      });
    },
  };
}

/** Feedback in a JSON file (the fallback when there is no catalogue store). */
export function fileTasteStore(path: string): TasteStore {
  return {
    where: path,
    record: (user, events) => recordEvents(path, user, events),
    profile: (user) => loadProfile(path, user),
    corrections: () => fileCorrections(path),
  };
}

export const TASTE_FORMAT = 'moodscape-taste/1';

interface StoredProfile {
  likes: FeedbackItem[];
  skips: FeedbackItem[];
  /** Mood corrections, oldest first (absent in files written before relabels existed). */
  relabels?: { id: string; mood: string; features: Record<string, number>; at: string }[];
  updated: string;
}

interface StoreFile {
  format: string;
  users: Record<string, StoredProfile>;
}

const USER_RE = /^[\p{L}\p{N}_.@-]{1,64}$/u;

export function checkUserName(user: string): string {
  if (!USER_RE.test(user)) throw new InputError(`user name "${user}" must be 1–64 letters, digits or _ . @ -`);
  return user;
}

async function readStore(path: string): Promise<StoreFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { format: TASTE_FORMAT, users: {} };
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  const o = json as Partial<StoreFile>;
  if (typeof o !== 'object' || o === null || o.format !== TASTE_FORMAT || typeof o.users !== 'object' || o.users === null) {
    throw new InputError('not a moodscape taste store', { file: path, expected: `{"format":"${TASTE_FORMAT}","users":{…}}` });
  }
  for (const [u, p] of Object.entries(o.users)) {
    if (!Array.isArray(p?.likes) || !Array.isArray(p?.skips)) throw new InputError(`user "${u}" has no likes/skips lists`, { file: path });
  }
  return o as StoreFile;
}

/** The profile of `user`, or an empty one when the store or the user does not exist yet. */
export async function loadProfile(path: string, user: string): Promise<TasteProfile & { known: boolean }> {
  checkUserName(user);
  const store = await readStore(path);
  const p = store.users[user];
  return p ? { user, likes: p.likes, skips: p.skips, known: true } : { ...emptyProfile(user), known: false };
}

/** Adds likes and skips to `user`'s profile and saves the store atomically; returns the new profile. */
export async function recordFeedback(path: string, user: string, likes: readonly FeedbackItem[], skips: readonly FeedbackItem[]): Promise<TasteProfile> {
  return recordEvents(path, user, [...likes.map((item) => ({ kind: 'like' as const, item })), ...skips.map((item) => ({ kind: 'skip' as const, item }))]);
}

async function recordEvents(path: string, user: string, events: readonly TasteEvent[]): Promise<TasteProfile> {
  checkUserName(user);
  const store = await readStore(path);
  const old = store.users[user];
  const next = applyTasteEvents(old ? { user, likes: old.likes, skips: old.skips } : emptyProfile(user), events);
  const now = new Date().toISOString();
  const relabels = [...(old?.relabels ?? []), ...events.filter((e) => e.kind === 'relabel').map((e) => ({ id: e.item.id, mood: e.mood!, features: { ...e.item.features } as Record<string, number>, at: now }))];
  store.users[user] = { likes: [...next.likes], skips: [...next.skips], ...(relabels.length ? { relabels } : {}), updated: now };
  await writeFileAtomic(path, JSON.stringify(store, null, 1) + '\n');
  return next;
}

/** The latest relabel per track over every user of the file (later entries win; ties by user name). */
async function fileCorrections(path: string): Promise<Correction[]> {
  const store = await readStore(path);
  const all: (Correction & { at: string })[] = [];
  for (const [user, p] of Object.entries(store.users).sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const r of p.relabels ?? []) {
      if (typeof r?.id !== 'string' || typeof r.mood !== 'string' || typeof r.features !== 'object') throw new InputError(`user "${user}" has a relabel without id, mood or features`, { file: path });
      all.push({ trackId: r.id, mood: r.mood, user, features: r.features, at: String(r.at ?? '') });
    }
  }
  const latest = new Map<string, Correction>();
  for (const c of all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) latest.set(c.trackId, { trackId: c.trackId, mood: c.mood, user: c.user, features: c.features });
  return [...latest.values()].sort((a, b) => (a.trackId < b.trackId ? -1 : 1));
}

/** Names of the users in the store. */
export async function listUsers(path: string): Promise<string[]> {
  return Object.keys((await readStore(path)).users).sort();
}
