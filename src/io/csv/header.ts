/**
 * Maps a CSV header onto moodscape's canonical column names (see core/data/features.ts).
 */
import { COLUMN_ALIASES, FEATURE_SPEC } from '../../core/data/features.ts';

export type ColumnKind = 'feature' | 'text' | 'ignored';

export interface ColumnMapping {
  /** The header cell as written in the file. */
  source: string;
  /** The name the column has in the TrackTable (a feature name, a text column name, or '' when ignored). */
  canonical: string;
  kind: ColumnKind;
}

/** Source columns that can supply the track id, best first. */
export const ID_PRIORITY = ['id', 'track_id', 'track_uri', 'uri'] as const;

/** Header names of a pandas/R row-index column. */
const INDEX_NAMES = new Set(['', 'unnamed: 0', '...1', 'x1']);

export interface HeaderPlan {
  columns: ColumnMapping[];
  /**
   * Source column indices that can supply the id, in priority order; the first non-empty value in
   * a row becomes the row's `id`. Empty when the file has no id column.
   */
  idSources: number[];
}

export function normaliseHeaderName(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * Decides, for every header cell, whether it becomes a numeric feature, a text column or is
 * ignored. When several source columns map to the same canonical name, the preferred one takes
 * the canonical name (for `id`: id > track_id > track_uri > uri; otherwise a column literally named
 * the canonical name, then the leftmost) and the others stay text columns under their own names.
 */
export function planHeader(header: readonly string[]): HeaderPlan {
  const names = header.map(normaliseHeaderName);
  // Own properties only: a column called "constructor" must not find Object.prototype's.
  const canonicalOf = names.map((n) => (Object.hasOwn(COLUMN_ALIASES, n) ? COLUMN_ALIASES[n] : n));
  const columns: ColumnMapping[] = header.map((source) => ({ source, canonical: '', kind: 'ignored' as ColumnKind }));

  // Group columns by canonical name and pick a winner per group.
  const groups = new Map<string, number[]>();
  names.forEach((n, i) => {
    if (i === 0 && INDEX_NAMES.has(n)) return; // unnamed row-index column
    if (n === '') return; // unnamed column elsewhere: nothing to call it
    const c = canonicalOf[i];
    const g = groups.get(c);
    if (g) g.push(i);
    else groups.set(c, [i]);
  });

  const rank = (c: string, i: number): number => {
    if (c === 'id') {
      const r = (ID_PRIORITY as readonly string[]).indexOf(names[i]);
      return r < 0 ? ID_PRIORITY.length : r;
    }
    return names[i] === c ? 0 : 1;
  };

  const used = new Set<string>();
  const losers: number[] = [];
  for (const [c, idx] of groups) {
    const sorted = [...idx].sort((a, b) => rank(c, a) - rank(c, b) || a - b);
    const win = sorted[0];
    columns[win].canonical = c;
    columns[win].kind = FEATURE_SPEC.has(c) ? 'feature' : 'text';
    used.add(c);
    losers.push(...sorted.slice(1));
  }
  // Losers keep their own (lower-cased) name as text, made unique if needed. The next suffix to
  // try is remembered per name, so n copies of one name cost n steps, not n²/2.
  const nextSuffix = new Map<string, number>();
  for (const i of losers.sort((a, b) => a - b)) {
    let name = names[i];
    let k = nextSuffix.get(names[i]) ?? 2;
    while (used.has(name)) name = `${names[i]}_${k++}`;
    nextSuffix.set(names[i], k);
    used.add(name);
    columns[i].canonical = name;
    columns[i].kind = 'text';
  }

  const idGroup = groups.get('id') ?? [];
  const idSources = [...idGroup].sort((a, b) => rank('id', a) - rank('id', b) || a - b);
  return { columns, idSources };
}

const URI_PREFIX = 'spotify:track:';
const URL_RE = /^https?:\/\/open\.spotify\.com\/track\/([A-Za-z0-9]+)/;

/** `spotify:track:XYZ` and `https://open.spotify.com/track/XYZ?…` become `XYZ`; anything else is trimmed. */
export function normaliseTrackId(raw: string): string {
  const t = raw.trim();
  if (t.startsWith(URI_PREFIX)) return t.slice(URI_PREFIX.length);
  if (t.charCodeAt(0) === 104 /* h */) {
    const m = URL_RE.exec(t);
    if (m) return m[1];
  }
  return t;
}
