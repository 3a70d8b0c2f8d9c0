/**
 * Shared between the backends: how a TrackTable maps onto rows of the `tracks` table and back,
 * and the stable id given to tracks that arrive without one.
 */
import { createHash } from 'node:crypto';
import { AUDIO_FEATURES, FEATURE_SPEC, REQUIRED_FEATURES } from '../../core/data/features.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import type { TrackRecord } from './catalogue-store.ts';

/** Every feature column of `tracks`, in table order. */
export const FEATURE_COLUMNS: readonly string[] = AUDIO_FEATURES.map((f) => f.name);
/** Text metadata with a column of its own; every other text column goes into `extra`. */
export const TEXT_COLUMNS = ['name', 'artist', 'album', 'genre'] as const;
export type TextColumn = (typeof TEXT_COLUMNS)[number];

/** Quotes an identifier for both SQLite and PostgreSQL (`key` and `mode` are keywords). */
export function q(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

/**
 * The id of a track that has none: `h_` + the first 24 hex digits (96 bits) of the SHA-256 of its
 * name, artist and REQUIRED_FEATURES values. It depends only on those, so the same track imported
 * again (from any file that has those columns) gets the same id. Spotify ids are base62 and never
 * contain `_`, so derived ids cannot collide with them.
 */
export function derivedTrackId(name: string, artist: string, features: (f: string) => number): string {
  const parts = [name, artist, ...REQUIRED_FEATURES.map((f) => String(features(f)))];
  return 'h_' + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** A TrackTable laid out for insertion: distinct ids, and which table row supplies each. */
export interface PreparedTracks {
  ids: string[];
  /** rows[k] is the table row holding ids[k] (the last row with that id). */
  rows: number[];
  /** Feature columns the table has (these are written; the others keep their stored values). */
  features: string[];
  /** TEXT_COLUMNS the table has. */
  texts: TextColumn[];
  /** Other columns, stored in `extra` (numeric ones as text). */
  extraText: string[];
  extraNumeric: string[];
  table: TrackTable;
}

export function prepareTracks(table: TrackTable): PreparedTracks {
  const n = table.rowCount;
  const idCol = table.text.id;
  const nameCol = table.text.name;
  const artistCol = table.text.artist;
  const lastRow = new Map<string, number>();
  const order: string[] = [];
  for (let r = 0; r < n; r++) {
    let id = idCol ? idCol[r].trim() : '';
    if (id === '') {
      id = derivedTrackId(nameCol ? nameCol[r] : '', artistCol ? artistCol[r] : '', (f) => table.numeric[f]?.[r] ?? NaN);
    }
    if (!lastRow.has(id)) order.push(id);
    lastRow.set(id, r);
  }
  return {
    ids: order,
    rows: order.map((id) => lastRow.get(id)!),
    features: FEATURE_COLUMNS.filter((f) => f in table.numeric),
    texts: TEXT_COLUMNS.filter((c) => c in table.text),
    extraText: Object.keys(table.text).filter((c) => c !== 'id' && !(TEXT_COLUMNS as readonly string[]).includes(c)),
    extraNumeric: Object.keys(table.numeric).filter((c) => !FEATURE_SPEC.has(c)),
    table,
  };
}

export function textValue(p: PreparedTracks, col: string, row: number): string | null {
  const v = p.table.text[col][row];
  return v === '' ? null : v;
}

export function featureValue(p: PreparedTracks, col: string, row: number): number | null {
  const v = p.table.numeric[col][row];
  return v === v ? v : null;
}

/** The `extra` object of a row as JSON (empty cells left out). */
export function extraJson(p: PreparedTracks, row: number): string {
  let out: Record<string, string> | undefined;
  for (const c of p.extraText) {
    const v = p.table.text[c][row];
    if (v !== '') (out ??= {})[c] = v;
  }
  for (const c of p.extraNumeric) {
    const v = p.table.numeric[c][row];
    if (v === v) (out ??= {})[c] = String(v);
  }
  return out ? JSON.stringify(out) : '{}';
}

/** Column list of `tracks` in the order loadCatalog and getTrack read them. */
export const SELECT_COLUMNS = ['id', ...TEXT_COLUMNS, ...FEATURE_COLUMNS, 'extra', 'updated_at'];
export const SELECT_LIST = SELECT_COLUMNS.map(q).join(', ');
/** What loadCatalog reads: SELECT_COLUMNS without updated_at. */
export const CATALOG_LIST = SELECT_COLUMNS.slice(0, -1).map(q).join(', ');

/** Builds a TrackTable from rows laid out as CATALOG_LIST (extra may be a JSON string or object). */
export class CatalogBuilder {
  private n = 0;
  private readonly cap: number;
  private readonly text: Record<string, string[]> = { id: [], name: [], artist: [], album: [], genre: [] };
  private readonly extra = new Map<string, string[]>();
  private readonly numeric: Float64Array[];
  private readonly seen: boolean[];

  constructor(expectedRows: number) {
    this.cap = expectedRows;
    this.numeric = FEATURE_COLUMNS.map(() => new Float64Array(expectedRows));
    this.seen = FEATURE_COLUMNS.map(() => false);
  }

  add(row: readonly unknown[]): void {
    if (this.n >= this.cap) throw new Error('loadCatalog: more rows than counted (concurrent insert?)');
    const r = this.n++;
    this.text.id.push(row[0] as string);
    for (let j = 0; j < TEXT_COLUMNS.length; j++) this.text[TEXT_COLUMNS[j]].push((row[1 + j] as string | null) ?? '');
    const base = 1 + TEXT_COLUMNS.length;
    for (let j = 0; j < FEATURE_COLUMNS.length; j++) {
      const v = row[base + j] as number | null;
      if (v === null) this.numeric[j][r] = NaN;
      else {
        this.numeric[j][r] = v;
        this.seen[j] = true;
      }
    }
    const raw = row[base + FEATURE_COLUMNS.length];
    const extra = (typeof raw === 'string' ? (raw === '{}' ? null : JSON.parse(raw)) : raw) as Record<string, string> | null;
    if (extra) {
      for (const [k, v] of Object.entries(extra)) {
        let col = this.extra.get(k);
        if (!col) this.extra.set(k, (col = []));
        while (col.length < r) col.push('');
        col.push(String(v));
      }
    }
  }

  build(): TrackTable {
    const n = this.n;
    const numeric: Record<string, Float64Array> = {};
    FEATURE_COLUMNS.forEach((f, j) => {
      if (this.seen[j]) numeric[f] = n === this.cap ? this.numeric[j] : this.numeric[j].slice(0, n);
    });
    const text: Record<string, string[]> = { ...this.text };
    for (const [k, col] of this.extra) {
      if (k in text) continue; // an extra key cannot shadow a real column
      while (col.length < n) col.push('');
      text[k] = col;
    }
    return { rowCount: n, numeric, text };
  }
}

/** A track row (SELECT_COLUMNS layout, as an object keyed by column) to a TrackRecord. */
export function toTrackRecord(row: Record<string, unknown>): TrackRecord {
  const features: Record<string, number | null> = {};
  for (const f of FEATURE_COLUMNS) features[f] = (row[f] as number | null) ?? null;
  const extra = typeof row.extra === 'string' ? JSON.parse(row.extra) : (row.extra ?? {});
  return {
    id: row.id as string,
    name: (row.name as string | null) ?? null,
    artist: (row.artist as string | null) ?? null,
    album: (row.album as string | null) ?? null,
    genre: (row.genre as string | null) ?? null,
    features,
    extra,
    updatedAt: isoTime(row.updated_at),
  };
}

/** SQLite gives back the ISO text it was given; pg gives a Date for TIMESTAMPTZ. */
export function isoTime(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

export function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

