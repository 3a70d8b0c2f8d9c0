/**
 * Playlist export: JSON (the CLI's --json shape), CSV (one row per track, reasons joined by " | ")
 * and extended M3U (`#EXTINF:<seconds>,<artist> – <title>` then the track's location), plus an M3U
 * parser so exported playlists round-trip.
 */
import { writeFileAtomic } from './atomic.ts';
import { relative, resolve, sep } from 'node:path';
import type { RecResult } from '../core/recommend/index.ts';
import type { TrackTable } from '../core/data/track-table.ts';

export type PlaylistFormat = 'json' | 'csv' | 'm3u';
export const PLAYLIST_FORMATS: readonly PlaylistFormat[] = ['json', 'csv', 'm3u'];

/** The JSON document of a result: {tracks, pool, query, arc?, warnings?} (row numbers left out). */
export function playlistJson(result: RecResult): Record<string, unknown> {
  const out: Record<string, unknown> = { tracks: result.tracks, pool: result.pool, query: result.query };
  if (result.arc) out.arc = result.arc;
  if (result.warnings.length) out.warnings = result.warnings;
  return out;
}

export function toJson(result: RecResult): string {
  return JSON.stringify(playlistJson(result), null, 2) + '\n';
}

const FIXED = ['id', 'name', 'artist', 'mood', 'confidence', 'score', 'why'];

export function toCsv(result: RecResult): string {
  const features = new Set<string>();
  for (const t of result.tracks) for (const k of Object.keys(t)) if (!FIXED.includes(k)) features.add(k);
  const header = ['position', 'id', 'name', 'artist', 'mood', 'confidence', 'score', ...features, 'why'];
  const lines = [header.map(csvCell).join(',')];
  result.tracks.forEach((t, i) => {
    const cells = [String(i + 1), t.id, t.name, t.artist, t.mood, String(t.confidence), String(t.score),
      ...[...features].map((f) => (t[f] === undefined || (typeof t[f] === 'number' && !Number.isFinite(t[f] as number)) ? '' : String(t[f]))),
      t.why.join(' | ')];
    lines.push(cells.map(csvCell).join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface M3uEntry {
  /** Seconds, -1 when unknown. */
  readonly duration: number;
  readonly artist: string;
  readonly title: string;
  readonly location: string;
}

const SEP = ' – ';

/** Extended M3U. `location(id)` gives each entry's path or URI (default `spotify:track:<id>`). */
export function toM3u(result: RecResult, location: (id: string) => string = (id) => `spotify:track:${id}`): string {
  const entries: M3uEntry[] = result.tracks.map((t) => ({
    duration: typeof t.duration_ms === 'number' && Number.isFinite(t.duration_ms) ? Math.round(t.duration_ms / 1000) : -1,
    artist: t.artist,
    title: t.name,
    location: location(t.id),
  }));
  return formatM3u(entries);
}

export function formatM3u(entries: readonly M3uEntry[]): string {
  const clean = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const lines = ['#EXTM3U'];
  for (const e of entries) {
    const label = e.artist ? `${clean(e.artist)}${SEP}${clean(e.title)}` : clean(e.title);
    lines.push(`#EXTINF:${Math.round(e.duration)},${label}`, clean(e.location));
  }
  return lines.join('\n') + '\n';
}

/** Parses (extended) M3U: `#EXTINF` lines give duration, artist and title of the next location. */
export function parseM3u(text: string): M3uEntry[] {
  const out: M3uEntry[] = [];
  let pending: { duration: number; artist: string; title: string } | undefined;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#EXTINF:')) {
      const body = line.slice('#EXTINF:'.length);
      const comma = body.indexOf(',');
      const durText = comma < 0 ? body : body.slice(0, comma);
      const label = comma < 0 ? '' : body.slice(comma + 1);
      const duration = Number.parseFloat(durText.trim().split(/\s/)[0]);
      let sep = label.indexOf(SEP), sepLen = SEP.length;
      if (sep < 0) { sep = label.indexOf(' - '); sepLen = 3; }
      pending = {
        duration: Number.isFinite(duration) ? duration : -1,
        artist: sep < 0 ? '' : label.slice(0, sep),
        title: sep < 0 ? label : label.slice(sep + sepLen),
      };
      continue;
    }
    if (line.startsWith('#')) continue;
    out.push({ duration: pending?.duration ?? -1, artist: pending?.artist ?? '', title: pending?.title ?? '', location: line });
    pending = undefined;
  }
  return out;
}

export function formatPlaylist(result: RecResult, format: PlaylistFormat, options: { location?: (id: string) => string } = {}): string {
  switch (format) {
    case 'json': return toJson(result);
    case 'csv': return toCsv(result);
    case 'm3u': return toM3u(result, options.location);
  }
}

/**
 * M3U locations for a catalogue of files (one written by `analyze` has a `path` column): each
 * track's path, relative to `musicDir` when given (what MPD and most players expect of a playlist
 * in their playlist folder), else as stored. Undefined when the catalogue has no paths.
 */
export function fileLocations(result: RecResult, table: TrackTable, musicDir?: string): ((id: string) => string) | undefined {
  const paths = table.text.path;
  if (!paths) return undefined;
  const byId = new Map<string, string>();
  result.rows.forEach((row, i) => byId.set(result.tracks[i].id, paths[row]));
  const base = musicDir ? resolve(musicDir) : undefined;
  return (id) => {
    const p = byId.get(id);
    if (!p) return `spotify:track:${id}`;
    return base ? relative(base, p).split(sep).join('/') : p;
  };
}

/** Writes the playlist atomically. */
export async function writePlaylist(path: string, result: RecResult, format: PlaylistFormat): Promise<void> {
  await writeFileAtomic(path, formatPlaylist(result, format));
}
