/**
 * Taste profiles persisted as one JSON file: `{"format":"moodscape-taste/1","users":{"alice":{…}}}`.
 * Every update reads the file, applies the feedback and writes a temp file that is renamed over the
 * old one, so a crash never leaves a half-written store. Concurrent writers: the last one wins.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/common/errors.ts';
import { addFeedback, emptyProfile, type FeedbackItem, type TasteProfile } from '../core/recommend/index.ts';
import { writeFileAtomic } from './atomic.ts';

export const TASTE_FORMAT = 'moodscape-taste/1';

interface StoredProfile {
  likes: FeedbackItem[];
  skips: FeedbackItem[];
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
  checkUserName(user);
  const store = await readStore(path);
  const old = store.users[user];
  const next = addFeedback(old ? { user, likes: old.likes, skips: old.skips } : emptyProfile(user), likes, skips);
  store.users[user] = { likes: [...next.likes], skips: [...next.skips], updated: new Date().toISOString() };
  await writeFileAtomic(path, JSON.stringify(store, null, 1) + '\n');
  return next;
}

/** Names of the users in the store. */
export async function listUsers(path: string): Promise<string[]> {
  return Object.keys((await readStore(path)).users).sort();
}
