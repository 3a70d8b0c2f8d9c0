/**
 * Playlist rules: no duplicate ids, no second copy of the same title by the same artist, and an
 * artist cap of `cap` tracks per `per` tracks (default 2 per 20), i.e. an artist may appear at most
 * `cap × ceil(limit / per)` times in a playlist of `limit` tracks. The bound does not depend on order,
 * so it survives the arc sort and MMR alike.
 */
import type { TrackTable } from '../data/track-table.ts';

export interface ArtistCap {
  readonly cap: number;
  readonly per: number;
}

export const DEFAULT_ARTIST_CAP: ArtistCap = { cap: 2, per: 20 };

/** How many tracks one artist may have in a playlist of `limit` tracks. */
export function maxPerArtist(limit: number, rule: ArtistCap = DEFAULT_ARTIST_CAP): number {
  return rule.cap * Math.max(1, Math.ceil(limit / rule.per));
}

/** Lower-case, accents and punctuation folded, "(Remastered 2011)" / "- Remaster" suffixes removed. */
export function normaliseTitle(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/\s*[([][^)\]]*remaster[^)\]]*[)\]]/g, '')
    .replace(/\s+-\s+[^-]*remaster.*$/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function normaliseArtist(artist: string): string {
  return artist.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim();
}

/** Tracks the playlist being built and says why a row may not join it. */
export class DiversityGuard {
  private readonly ids = new Set<string>();
  private readonly titles = new Set<string>();
  private readonly perArtist = new Map<string, number>();
  private readonly idCol?: string[];
  private readonly nameCol?: string[];
  private readonly artistCol?: string[];
  readonly maxPerArtist: number;

  constructor(table: TrackTable, limit: number, rule: ArtistCap = DEFAULT_ARTIST_CAP) {
    this.idCol = table.text.id;
    this.nameCol = table.text.name;
    this.artistCol = table.text.artist;
    this.maxPerArtist = maxPerArtist(limit, rule);
  }

  private artistOf(row: number): string | undefined {
    const a = this.artistCol?.[row];
    return a ? normaliseArtist(a) : undefined;
  }

  private titleKey(row: number): string | undefined {
    const t = this.nameCol?.[row];
    const a = this.artistOf(row);
    return t && a ? `${a}\u0000${normaliseTitle(t)}` : undefined;
  }

  /** undefined when `row` may be added, else the rule it breaks. */
  rejects(row: number): string | undefined {
    const id = this.idCol?.[row];
    if (id && this.ids.has(id)) return 'duplicate id';
    const key = this.titleKey(row);
    if (key && this.titles.has(key)) return 'same title by the same artist';
    const a = this.artistOf(row);
    if (a && (this.perArtist.get(a) ?? 0) >= this.maxPerArtist) return `artist cap (${this.maxPerArtist})`;
    return undefined;
  }

  accepts(row: number): boolean {
    return this.rejects(row) === undefined;
  }

  add(row: number): void {
    const id = this.idCol?.[row];
    if (id) this.ids.add(id);
    const key = this.titleKey(row);
    if (key) this.titles.add(key);
    const a = this.artistOf(row);
    if (a) this.perArtist.set(a, (this.perArtist.get(a) ?? 0) + 1);
  }
}

/** Checks a finished playlist against the rules (for tests and evaluation): the problems found. */
export function diversityViolations(table: TrackTable, rows: readonly number[], rule: ArtistCap = DEFAULT_ARTIST_CAP): string[] {
  const g = new DiversityGuard(table, rows.length, rule);
  const out: string[] = [];
  for (const r of rows) {
    const why = g.rejects(r);
    if (why) out.push(`row ${r}: ${why}`);
    g.add(r);
  }
  return out;
}
