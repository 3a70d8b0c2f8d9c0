/** Query building and validation shared by both backends. */
import { UNCERTAIN } from '../../core/classify/uncertain.ts';
import { InputError } from '../../core/common/errors.ts';
import { FEEDBACK_KINDS, type CorrectionRecord, type FeedbackKind, type ListTracksQuery, type ListedTrack, type ModelRecord, type PlaylistSummary, type TagRow } from './catalogue-store.ts';
import type { Dialect } from './schema.ts';
import { SELECT_COLUMNS, isoTime, parseJson, q, toTrackRecord } from './track-rows.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 10_000;

export function checkLimits(query: ListTracksQuery): { limit: number; offset: number } {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new InputError(`limit must be an integer in 0..${MAX_LIMIT}, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new InputError(`offset must be a non-negative integer, got ${offset}`);
  return { limit, offset };
}

export function checkFeedbackKind(kind: string, mood?: string): asserts kind is FeedbackKind {
  if (!(FEEDBACK_KINDS as readonly string[]).includes(kind)) throw new InputError(`feedback kind must be one of ${FEEDBACK_KINDS.join(', ')}, got "${kind}"`);
  if (kind === 'relabel' && (typeof mood !== 'string' || mood.trim() === '')) throw new InputError('a relabel needs the corrected mood');
  if (kind !== 'relabel' && mood !== undefined) throw new InputError(`a ${kind} takes no mood (only a relabel does)`);
}

/** The latest relabel per track from rows ordered by id (oldest first). */
export function latestCorrections(rows: readonly { user_id: string; track_id: string; mood: string; created_at: unknown }[], time: (v: unknown) => string): CorrectionRecord[] {
  const latest = new Map<string, CorrectionRecord>();
  for (const r of rows) latest.set(r.track_id, { trackId: r.track_id, mood: r.mood, user: r.user_id, createdAt: time(r.created_at) });
  return [...latest.values()].sort((a, b) => (a.trackId < b.trackId ? -1 : a.trackId > b.trackId ? 1 : 0));
}

/** Labels must be among the model's classes (or `uncertain`) and confidences within 0..1. */
export function checkTagRows(model: ModelRecord, rows: readonly TagRow[]): void {
  const classes = new Set([...model.classes, UNCERTAIN]);
  for (const r of rows) {
    if (!classes.has(r.label)) throw new InputError(`tag for track "${r.trackId}": "${r.label}" is not a class of model "${model.id}" (${model.classes.join(', ')})`);
    if (!(r.confidence >= 0 && r.confidence <= 1)) throw new InputError(`tag for track "${r.trackId}": confidence must be in 0..1, got ${r.confidence}`);
  }
}

/** Checks a model record and normalises createdAt to ISO 8601 UTC (both backends then return the same text). */
export function checkModel(m: ModelRecord): ModelRecord {
  if (typeof m.id !== 'string' || m.id === '') throw new InputError('model id must be a non-empty string');
  if (!Array.isArray(m.classes) || m.classes.length === 0 || !m.classes.every((c) => typeof c === 'string' && c !== '')) {
    throw new InputError(`model "${m.id}": classes must be a non-empty list of names`);
  }
  const t = new Date(m.createdAt);
  if (Number.isNaN(t.getTime())) throw new InputError(`model "${m.id}": createdAt is not a date: "${m.createdAt}"`);
  return { ...m, createdAt: t.toISOString() };
}

export interface ListQuery {
  /** Data query; params then limit and offset. */
  sql: string;
  /** Count query; params only. */
  countSql: string;
  params: unknown[];
  toItem(row: Record<string, unknown>): ListedTrack;
}

export function buildListQuery(d: Dialect, query: ListTracksQuery & { limit: number; offset: number }): ListQuery {
  const params: unknown[] = [];
  const ph = (v: unknown): string => {
    params.push(v);
    return d === 'sqlite' ? '?' : `$${params.length}`;
  };
  const { mood, modelId } = query;
  if (mood !== undefined && modelId === undefined) throw new InputError('filtering by mood needs a model: tag the catalogue first, or name the model');
  let from = 'tracks t';
  const where: string[] = [];
  if (modelId !== undefined) {
    from += ` ${mood !== undefined ? 'JOIN' : 'LEFT JOIN'} tags g ON g.track_id = t.id AND g.model_id = ${ph(modelId)}`;
    if (mood !== undefined) where.push(`g.label = ${ph(mood)}`);
  }
  if (query.q !== undefined && query.q !== '') {
    const needle = query.q.toLowerCase();
    // SQLite: ms_fold is a JS toLowerCase registered by the store; PostgreSQL: lower() folds by the
    // database's locale (ASCII only under the C locale).
    const has = (col: string): string => (d === 'sqlite' ? `instr(ms_fold(${col}), ${ph(needle)}) > 0` : `strpos(lower(${col}), ${ph(needle)}) > 0`);
    where.push(`(${has('t.name')} OR ${has('t.artist')})`);
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const cols = SELECT_COLUMNS.map((c) => `t.${q(c)}`).join(', ') + (modelId !== undefined ? ', g.label AS tag_label, g.confidence AS tag_confidence' : '');
  const order = mood !== undefined ? 'ORDER BY g.confidence DESC, t.id' : 'ORDER BY t.id';
  const n = params.length;
  const lim = d === 'sqlite' ? 'LIMIT ? OFFSET ?' : `LIMIT $${n + 1} OFFSET $${n + 2}`;
  return {
    sql: `SELECT ${cols} FROM ${from} ${whereSql} ${order} ${lim}`,
    countSql: `SELECT count(*)${d === 'postgres' ? '::int' : ''} AS n FROM ${from} ${whereSql}`,
    params,
    toItem(row) {
      const rec: ListedTrack = toTrackRecord(row);
      if (modelId !== undefined && row.tag_label != null) {
        rec.tag = { modelId, label: row.tag_label as string, confidence: row.tag_confidence as number };
      }
      return rec;
    },
  };
}

export function toModelRecord(row: Record<string, unknown>): ModelRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    createdAt: isoTime(row.created_at),
    classes: parseJson(row.classes) as string[],
    path: row.path as string,
    metrics: parseJson(row.metrics),
  };
}

export function toPlaylistSummary(row: Record<string, unknown>): PlaylistSummary {
  return {
    id: Number(row.id),
    name: row.name as string,
    user: (row.user_id as string | null) ?? null,
    query: parseJson(row.query),
    createdAt: isoTime(row.created_at),
    trackCount: Number(row.track_count),
  };
}
