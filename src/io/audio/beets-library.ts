/**
 * Writes moods into a beets library (its SQLite file), so `beet ls mood:Calm` lists them: the
 * flexible attributes mood, mood_confidence and key, and beets' own bpm and initial_key fields.
 * Items are matched by path (beets keeps it as a byte string); one transaction for all of them.
 */
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { InputError } from '../../core/common/errors.ts';

export interface BeetsMood {
  path: string;
  mood: string;
  confidence: number;
  bpm?: number;
  key?: string;
}

export interface BeetsWriteResult {
  /** Items whose attributes were written. */
  written: number;
  /** Paths that are not items of the library (import them into beets first). */
  notInLibrary: string[];
}

export function writeBeetsMoods(libraryPath: string, moods: readonly BeetsMood[]): BeetsWriteResult {
  let db: Database.Database;
  try {
    db = new Database(libraryPath, { fileMustExist: true });
  } catch (e) {
    throw new InputError(`cannot open the beets library (${(e as Error).message})`, { file: libraryPath });
  }
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    if (!tables.has('items') || !tables.has('item_attributes')) throw new InputError('not a beets library (no items / item_attributes tables)', { file: libraryPath });
    const find = db.prepare('SELECT id FROM items WHERE path = ?').pluck();
    const flex = db.prepare('INSERT INTO item_attributes (entity_id, key, value) VALUES (?, ?, ?)');
    const fixed = db.prepare('UPDATE items SET bpm = coalesce(?, bpm), initial_key = coalesce(?, initial_key) WHERE id = ?');
    const notInLibrary: string[] = [];
    let written = 0;
    db.transaction(() => {
      for (const m of moods) {
        const id = find.get(Buffer.from(resolve(m.path))) as number | undefined;
        if (id === undefined) { notInLibrary.push(m.path); continue; }
        // UNIQUE(entity_id, key) ON CONFLICT REPLACE: re-running updates in place.
        flex.run(id, 'mood', m.mood);
        flex.run(id, 'mood_confidence', String(Math.round(m.confidence * 1e4) / 1e4));
        if (m.key) flex.run(id, 'key', m.key);
        fixed.run(m.bpm !== undefined && Number.isFinite(m.bpm) ? Math.round(m.bpm) : null, m.key ?? null, id);
        written++;
      }
    })();
    return { written, notInLibrary };
  } finally {
    db.close();
  }
}
