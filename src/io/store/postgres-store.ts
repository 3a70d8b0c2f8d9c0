/**
 * The PostgreSQL backend (node-postgres pool). Bulk writes send whole columns as arrays and
 * INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE, BATCH_ROWS rows per statement, all inside
 * one transaction. Feature columns are DOUBLE PRECISION (PostgreSQL's REAL is only 32-bit), JSON is
 * JSONB, times are TIMESTAMPTZ.
 */
import pg from 'pg';
import { InputError } from '../../core/common/errors.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import type {
  CatalogueStore,
  FeedbackKind,
  FeedbackRecord,
  CorrectionRecord,
  ListTracksQuery,
  ListedTrack,
  ModelRecord,
  NewPlaylist,
  Page,
  PlaylistRecord,
  PlaylistSummary,
  StoredTag,
  TagRow,
  UpsertResult,
} from './catalogue-store.ts';
import { MIGRATIONS, SCHEMA_VERSION, newerSchemaMessage, schemaVersionTable } from './schema.ts';
import { CatalogBuilder, CATALOG_LIST, SELECT_LIST, extraJson, featureValue, isoTime, prepareTracks, q, textValue, toTrackRecord } from './track-rows.ts';
import { redactStoreSpec } from './store-spec.ts';
import { latestCorrections, buildListQuery, checkFeedbackKind, checkModel, checkLimits, checkTagRows, toModelRecord, toPlaylistSummary } from './shared.ts';

/** Rows per INSERT … unnest statement. */
export const BATCH_ROWS = 5000;

interface PgError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
}

/** Constraint violations (SQLSTATE class 23) are the caller's bad data; report them as InputError. */
function asInputError(e: unknown, what: string): unknown {
  const err = e as PgError;
  if (typeof err?.code !== 'string' || !err.code.startsWith('23')) return e;
  if (err.code === '23503') {
    const m = /Key \((\w+)\)=\((.*)\) is not present in table "(\w+)"/.exec(err.detail ?? '');
    if (m) return new InputError(`unknown ${m[3] === 'tracks' ? 'track' : m[3].replace(/s$/, '')} "${m[2]}"`);
  }
  const detail = err.detail ? ` — ${err.detail.length > 300 ? err.detail.slice(0, 300) + '…' : err.detail}` : '';
  return new InputError(`${what}: ${err.message}${detail}`);
}

/**
 * Array parameters as PostgreSQL array literals, built here: node-postgres' generic array
 * serialiser costs ≈1.7 s per million numbers, which dominated bulk upserts.
 */
export function pgFloatArray(values: readonly (number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    out += v === null || v !== v ? 'NULL' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  }
  return out + '}';
}

export function pgTextArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    out += v === null ? 'NULL' : '"' + v.replace(/[\\"]/g, '\\$&') + '"';
  }
  return out + '}';
}

const UPSERT_TAGS_SQL = `INSERT INTO tags (model_id, track_id, label, confidence, probabilities, tagged_at)
  SELECT $1, u.track_id, u.label, u.confidence, u.probabilities::jsonb, $6::timestamptz
  FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[]) AS u(track_id, label, confidence, probabilities)
  ON CONFLICT (model_id, track_id) DO UPDATE SET label = EXCLUDED.label, confidence = EXCLUDED.confidence,
    probabilities = EXCLUDED.probabilities, tagged_at = EXCLUDED.tagged_at`;

/**
 * Upserts tag rows (already checked against the model) on a client inside the caller's
 * transaction: `writeTags` uses it, and so do the fleet workers, which commit the tags together
 * with the job's completion.
 */
export async function upsertTagRows(c: pg.ClientBase, modelId: string, rows: readonly TagRow[]): Promise<void> {
  const now = new Date().toISOString();
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    // A track listed twice in one statement would make ON CONFLICT fail; keep the last.
    const b = [...new Map(batch.map((r) => [r.trackId, r])).values()];
    try {
      await c.query(UPSERT_TAGS_SQL, [
        modelId,
        pgTextArray(b.map((r) => r.trackId)),
        pgTextArray(b.map((r) => r.label)),
        pgFloatArray(b.map((r) => r.confidence)),
        pgTextArray(b.map((r) => JSON.stringify(r.probabilities))),
        now,
      ]);
    } catch (e) {
      throw asInputError(e, 'tags');
    }
  }
}

/** The given tracks as a TrackTable (columns as `loadCatalog` gives them), ordered by id; unknown ids are left out. */
export async function loadTracksById(c: pg.ClientBase | pg.Pool, ids: readonly string[]): Promise<TrackTable> {
  const res = await c.query({ text: `SELECT ${CATALOG_LIST} FROM tracks WHERE id = ANY($1::text[]) ORDER BY id`, values: [pgTextArray(ids)], rowMode: 'array' });
  const b = new CatalogBuilder(res.rows.length);
  for (const row of res.rows as unknown[][]) b.add(row);
  return b.build();
}

/**
 * Upserts a table of tracks on a client inside the caller's transaction (see `upsertTracks` for
 * the rules); the fleet's analysis workers commit tracks together with the job's completion.
 */
export async function upsertTrackTable(c: pg.ClientBase, table: TrackTable): Promise<UpsertResult> {
  const p = prepareTracks(table);
  const cols = ['id', ...p.texts, ...p.features, 'extra'];
  const types = ['text', ...p.texts.map(() => 'text'), ...p.features.map(() => 'float8'), 'text'];
  const mergeExtra = p.extraText.length + p.extraNumeric.length > 0;
  const set = [
    ...[...p.texts, ...p.features].map((c) => `${q(c)} = EXCLUDED.${q(c)}`),
    `extra = ${mergeExtra ? 'tracks.extra || EXCLUDED.extra' : 'tracks.extra'}`,
    'updated_at = EXCLUDED.updated_at',
  ];
  const n = cols.length;
  const sql = `WITH up AS (
      INSERT INTO tracks (${[...cols, 'updated_at'].map(q).join(', ')})
      SELECT ${cols.map((c) => (c === 'extra' ? 'u.extra::jsonb' : `u.${q(c)}`)).join(', ')}, $${n + 1}::timestamptz
      FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${cols.map(q).join(', ')})
      ON CONFLICT (id) DO UPDATE SET ${set.join(', ')}
      RETURNING (xmax = 0) AS ins
    ) SELECT (count(*) FILTER (WHERE ins))::int AS inserted FROM up`;
  const now = new Date().toISOString();
  let inserted = 0;
  for (let start = 0; start < p.ids.length; start += BATCH_ROWS) {
    const end = Math.min(p.ids.length, start + BATCH_ROWS);
    const rows = p.rows.slice(start, end);
    const params: unknown[] = [pgTextArray(p.ids.slice(start, end))];
    for (const t of p.texts) params.push(pgTextArray(rows.map((r) => textValue(p, t, r))));
    for (const f of p.features) params.push(pgFloatArray(rows.map((r) => featureValue(p, f, r))));
    params.push(pgTextArray(rows.map((r) => extraJson(p, r))));
    params.push(now);
    try {
      inserted += (await c.query(sql, params)).rows[0].inserted as number;
    } catch (e) {
      throw asInputError(e, 'tracks');
    }
  }
  return { inserted, updated: p.ids.length - inserted };
}

/** Runs `fn` in one transaction on a pooled client; any error rolls it back. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query(begin);
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

export class PostgresStore implements CatalogueStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private closed = false;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects and brings the schema up to date. Connection failures throw InputError. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (e) {
      await pool.end().catch(() => {});
      const code = (e as { code?: string }).code;
      if (code && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|3D000|28P01|28000)$/.test(code)) {
        throw new InputError(`cannot connect to PostgreSQL at ${redactStoreSpec(url)}: ${(e as Error).message}`);
      }
      throw e;
    }
    return store;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return inTransaction(this.pool, fn, begin);
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // Serialises concurrent openers (two processes starting against a fresh database).
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('moodscape.schema'))`);
      await c.query(schemaVersionTable('postgres'));
      const current = (await c.query('SELECT coalesce(max(version), 0)::int AS v FROM schema_version')).rows[0].v as number;
      if (current > SCHEMA_VERSION) throw new InputError(newerSchemaMessage(current));
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const s of m.statements('postgres')) await c.query(s);
        await c.query('INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, now())', [m.version, m.description]);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return (await this.pool.query('SELECT max(version)::int AS v FROM schema_version')).rows[0].v;
  }

  // ── tracks ─────────────────────────────────────────────────────────────────────────────────

  async upsertTracks(table: TrackTable): Promise<UpsertResult> {
    return this.tx((c) => upsertTrackTable(c, table));
  }

  async getTrack(id: string) {
    const { rows } = await this.pool.query(`SELECT ${SELECT_LIST} FROM tracks WHERE id = $1`, [id]);
    return rows.length ? toTrackRecord(rows[0]) : null;
  }

  async listTracks(query: ListTracksQuery = {}): Promise<Page<ListedTrack>> {
    const { limit, offset } = checkLimits(query);
    const modelId = query.modelId ?? (await this.currentModelId());
    const built = buildListQuery('postgres', { ...query, modelId, limit, offset });
    const [count, data] = await Promise.all([
      this.pool.query(built.countSql, built.params),
      this.pool.query(built.sql, [...built.params, limit, offset]),
    ]);
    return { total: count.rows[0].n, items: data.rows.map(built.toItem) };
  }

  async countTracks(): Promise<number> {
    return (await this.pool.query('SELECT count(*)::int AS n FROM tracks')).rows[0].n;
  }

  async loadCatalog(): Promise<TrackTable> {
    // One snapshot for the count and the rows.
    return this.tx(async (c) => {
      const n = (await c.query('SELECT count(*)::int AS n FROM tracks')).rows[0].n as number;
      const b = new CatalogBuilder(n);
      const res = await c.query({ text: `SELECT ${CATALOG_LIST} FROM tracks ORDER BY id`, rowMode: 'array' });
      for (const row of res.rows as unknown[][]) b.add(row);
      return b.build();
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  // ── models ─────────────────────────────────────────────────────────────────────────────────

  async registerModel(model: ModelRecord): Promise<void> {
    const m = checkModel(model);
    await this.pool.query(
      `INSERT INTO models (id, name, created_at, classes, path, metrics) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, created_at = EXCLUDED.created_at,
         classes = EXCLUDED.classes, path = EXCLUDED.path, metrics = EXCLUDED.metrics`,
      [m.id, m.name, m.createdAt, JSON.stringify(m.classes), m.path, JSON.stringify(m.metrics ?? null)],
    ).catch((e) => {
      throw asInputError(e, `model "${m.id}"`);
    });
  }

  async getModel(id: string): Promise<ModelRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM models WHERE id = $1', [id]);
    return rows.length ? toModelRecord(rows[0]) : null;
  }

  async listModels(): Promise<ModelRecord[]> {
    return (await this.pool.query('SELECT * FROM models ORDER BY created_at, id')).rows.map(toModelRecord);
  }

  private async currentModelId(): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT value FROM settings WHERE key = 'current_model'`);
    return rows[0]?.value;
  }

  async getCurrentModel(): Promise<ModelRecord | null> {
    const id = await this.currentModelId();
    return id === undefined ? null : this.getModel(id);
  }

  async setCurrentModel(id: string): Promise<void> {
    await this.tx(async (c) => {
      if (!(await c.query('SELECT 1 FROM models WHERE id = $1', [id])).rowCount) throw new InputError(`unknown model "${id}"`);
      await c.query(`INSERT INTO settings (key, value) VALUES ('current_model', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [id]);
    });
  }

  // ── tags ───────────────────────────────────────────────────────────────────────────────────

  async writeTags(modelId: string, rows: readonly TagRow[]): Promise<{ written: number }> {
    const model = await this.getModel(modelId);
    if (!model) throw new InputError(`unknown model "${modelId}"`);
    checkTagRows(model, rows);
    await this.tx((c) => upsertTagRows(c, modelId, rows));
    return { written: rows.length };
  }

  async untaggedTrackIds(modelId: string): Promise<string[]> {
    const { rows } = await this.pool.query({
      text: `SELECT t.id FROM tracks t WHERE NOT EXISTS (SELECT 1 FROM tags g WHERE g.model_id = $1 AND g.track_id = t.id) ORDER BY t.id`,
      values: [modelId],
      rowMode: 'array',
    });
    return rows.map((r: unknown[]) => r[0] as string);
  }

  async getTags(modelId: string, trackIds?: readonly string[]): Promise<StoredTag[]> {
    const { rows } = trackIds
      ? await this.pool.query('SELECT * FROM tags WHERE model_id = $1 AND track_id = ANY($2::text[]) ORDER BY track_id', [modelId, trackIds])
      : await this.pool.query('SELECT * FROM tags WHERE model_id = $1 ORDER BY track_id', [modelId]);
    return rows.map((r) => ({
      modelId: r.model_id,
      trackId: r.track_id,
      label: r.label,
      confidence: r.confidence,
      probabilities: r.probabilities,
      taggedAt: isoTime(r.tagged_at),
    }));
  }

  // ── users and feedback ─────────────────────────────────────────────────────────────────────

  private async ensureUser(c: pg.PoolClient, user: string): Promise<void> {
    if (user === '') throw new InputError('user must not be empty');
    await c.query('INSERT INTO users (id, created_at) VALUES ($1, now()) ON CONFLICT (id) DO NOTHING', [user]);
  }

  async addFeedback(user: string, trackId: string, kind: FeedbackKind, mood?: string): Promise<void> {
    checkFeedbackKind(kind, mood);
    await this.tx(async (c) => {
      await this.ensureUser(c, user);
      await c
        .query('INSERT INTO feedback (user_id, track_id, kind, mood, created_at) VALUES ($1, $2, $3, $4, $5)', [user, trackId, kind, mood?.trim() ?? null, new Date().toISOString()])
        .catch((e) => {
          throw asInputError(e, 'feedback');
        });
    });
  }

  async getFeedback(user: string): Promise<FeedbackRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM feedback WHERE user_id = $1 ORDER BY id', [user]);
    return rows.map((r) => ({ user: r.user_id, trackId: r.track_id, kind: r.kind, ...(r.mood ? { mood: r.mood } : {}), createdAt: isoTime(r.created_at) }));
  }

  async getCorrections(): Promise<CorrectionRecord[]> {
    const { rows } = await this.pool.query("SELECT user_id, track_id, mood, created_at FROM feedback WHERE kind = 'relabel' ORDER BY id");
    return latestCorrections(rows, isoTime);
  }

  // ── playlists ──────────────────────────────────────────────────────────────────────────────

  async savePlaylist(p: NewPlaylist): Promise<PlaylistRecord> {
    if (!p.name) throw new InputError('playlist name must not be empty');
    const id = await this.tx(async (c) => {
      if (p.user !== undefined) await this.ensureUser(c, p.user);
      const id = (
        await c.query('INSERT INTO playlists (name, user_id, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [
          p.name,
          p.user ?? null,
          JSON.stringify(p.query ?? null),
          new Date().toISOString(),
        ])
      ).rows[0].id as number;
      await c
        .query(
          `INSERT INTO playlist_tracks (playlist_id, position, track_id)
           SELECT $1, u.ord - 1, u.track_id FROM unnest($2::text[]) WITH ORDINALITY AS u(track_id, ord)`,
          [id, p.trackIds],
        )
        .catch((e) => {
          throw asInputError(e, 'playlist');
        });
      return id;
    });
    return (await this.getPlaylist(id))!;
  }

  async getPlaylist(id: number): Promise<PlaylistRecord | null> {
    if (!Number.isSafeInteger(id)) return null;
    const { rows } = await this.pool.query('SELECT p.*, 0 AS track_count FROM playlists p WHERE id = $1', [id]);
    if (!rows.length) return null;
    const { trackCount: _, ...summary } = toPlaylistSummary(rows[0]);
    const tracks = await this.pool.query({
      text: 'SELECT track_id FROM playlist_tracks WHERE playlist_id = $1 ORDER BY position',
      values: [id],
      rowMode: 'array',
    });
    return { ...summary, trackIds: tracks.rows.map((r: unknown[]) => r[0] as string) };
  }

  async listPlaylists(user?: string): Promise<PlaylistSummary[]> {
    const sql = `SELECT p.*, (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id)::int AS track_count
                 FROM playlists p ${user !== undefined ? 'WHERE p.user_id = $1' : ''} ORDER BY p.id DESC`;
    const { rows } = await this.pool.query(sql, user !== undefined ? [user] : []);
    return rows.map(toPlaylistSummary);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
