/**
 * GET /tracks from the in-memory snapshot, for when the store does not answer: the same filter
 * (mood, name/artist substring) and order (by confidence within a mood, else by id) as the store's
 * listing, with the moods the snapshot's tagging gave.
 */
import type { Snapshot } from '../../catalogue-state.ts';

export interface ListingQuery { readonly mood?: string; readonly q?: string; readonly limit: number; readonly offset: number }

export interface SnapshotListing {
  readonly total: number;
  readonly items: { id: string; name: string | null; artist: string | null; album: string | null; genre: string | null; mood: string; confidence: number; features: Record<string, number | null> }[];
}

export function listFromSnapshot(snap: Snapshot, query: ListingQuery): SnapshotListing {
  const { table, tags } = snap;
  const text = table.text;
  const needle = query.q?.toLowerCase();
  const rows: number[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    if (query.mood !== undefined && tags.decisions[r].mood !== query.mood) continue;
    if (needle && !(text.name?.[r] ?? '').toLowerCase().includes(needle) && !(text.artist?.[r] ?? '').toLowerCase().includes(needle)) continue;
    rows.push(r);
  }
  const ids = text.id;
  // The snapshot holds the catalogue in id order, as the store lists it.
  if (query.mood !== undefined) rows.sort((a, b) => tags.decisions[b].confidence - tags.decisions[a].confidence || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const orNull = (col: readonly string[] | undefined, r: number) => (col && col[r] !== '' ? col[r] : null);
  const items = rows.slice(query.offset, query.offset + query.limit).map((r) => {
    const features: Record<string, number | null> = {};
    for (const [k, col] of Object.entries(table.numeric)) features[k] = Number.isFinite(col[r]) ? col[r] : null;
    return {
      id: ids[r], name: orNull(text.name, r), artist: orNull(text.artist, r), album: orNull(text.album, r), genre: orNull(text.genre, r),
      mood: tags.decisions[r].mood, confidence: tags.decisions[r].confidence, features,
    };
  });
  return { total: rows.length, items };
}
