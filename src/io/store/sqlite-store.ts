/**
 * The SQLite backend (better-sqlite3, synchronous underneath; the async interface just wraps it).
 * One file, WAL journal, foreign keys on. Bulk upserts run one prepared statement per row inside
 * one transaction.
 */
import Database from 'better-sqlite3';
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
import {
  CatalogBuilder,
  CATALOG_LIST,
  SELECT_LIST,
  extraJson,
  featureValue,
  prepareTracks,
  q,
  textValue,
  toTrackRecord,
} from './track-rows.ts';
import { latestCorrections, buildListQuery, checkFeedbackKind, checkModel, checkLimits, checkTagRows, toModelRecord, toPlaylistSummary } from './shared.ts';

type Db = Database.Database;

function isConstraint(e: unknown, kind?: string): e is Error & { code: string } {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (kind ? code === `SQLITE_CONSTRAINT_${kind}` : code.startsWith('SQLITE_CONSTRAINT'));
}

export class SqliteStore implements CatalogueStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Db;
  private readonly upserts = new Map<string, Database.Statement>();

  private constructor(db: Db) {
    this.db = db;
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static open(file: string, options: { readonly?: boolean } = {}): SqliteStore {
    let db: Db;
    try {
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (e) {
      throw new InputError(`cannot open SQLite database: ${(e as Error).message}`, { file });
    }
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      // Unicode-aware case folding for name/artist search (SQLite's lower() folds ASCII only).
      db.function('ms_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null));
      const store = new SqliteStore(db);
      store.migrate();
      return store;
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new InputError('not a SQLite database', { file });
      throw e;
    }
  }

  private migrate(): void {
    const db = this.db;
    db.transaction(() => {
      db.exec(schemaVersionTable('sqlite'));
      const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').get() as { v: number }).v;
      if (current > SCHEMA_VERSION) throw new InputError(newerSchemaMessage(current));
      const record = db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)');
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const s of m.statements('sqlite')) db.exec(s);
        record.run(m.version, m.description, new Date().toISOString());
      }
    }).immediate();
  }

  async schemaVersion(): Promise<number> {
    return (this.db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v;
  }

  // ── tracks ─────────────────────────────────────────────────────────────────────────────────

  private upsertStatement(cols: string[], mergeExtra: boolean): Database.Statement {
    const key = cols.join(',') + (mergeExtra ? '+x' : '');
    let st = this.upserts.get(key);
    if (!st) {
      const all = ['id', ...cols, 'extra', 'updated_at'];
      const set = [...cols.map((c) => `${q(c)} = excluded.${q(c)}`), `extra = ${mergeExtra ? 'json_patch(tracks.extra, excluded.extra)' : 'tracks.extra'}`, 'updated_at = excluded.updated_at'];
      st = this.db.prepare(
        `INSERT INTO tracks (${all.map(q).join(', ')}) VALUES (${all.map(() => '?').join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${set.join(', ')}`,
      );
      this.upserts.set(key, st);
    }
    return st;
  }

  async upsertTracks(table: TrackTable): Promise<UpsertResult> {
    const p = prepareTracks(table);
    const cols = [...p.texts, ...p.features];
    const mergeExtra = p.extraText.length + p.extraNumeric.length > 0;
    const st = this.upsertStatement(cols, mergeExtra);
    const count = this.db.prepare('SELECT count(*) FROM tracks').pluck();
    const now = new Date().toISOString();
    const values: unknown[] = new Array(cols.length + 3);
    const nt = p.texts.length;
    return this.db.transaction((): UpsertResult => {
      // Ids are distinct and the transaction holds the write lock, so the growth is the insert count.
      const before = count.get() as number;
      for (let k = 0; k < p.ids.length; k++) {
        const id = p.ids[k];
        const r = p.rows[k];
        values[0] = id;
        for (let j = 0; j < nt; j++) values[1 + j] = textValue(p, p.texts[j], r);
        for (let j = 0; j < p.features.length; j++) values[1 + nt + j] = featureValue(p, p.features[j], r);
        values[cols.length + 1] = extraJson(p, r);
        values[cols.length + 2] = now;
        try {
          st.run(values);
        } catch (e) {
          if (isConstraint(e)) throw new InputError(`track "${id}": ${(e as Error).message}`);
          throw e;
        }
      }
      const inserted = (count.get() as number) - before;
      return { inserted, updated: p.ids.length - inserted };
    }).immediate();
  }

  async getTrack(id: string) {
    const row = this.db.prepare(`SELECT ${SELECT_LIST} FROM tracks WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return row ? toTrackRecord(row) : null;
  }

  async listTracks(query: ListTracksQuery = {}): Promise<Page<ListedTrack>> {
    const { limit, offset } = checkLimits(query);
    const modelId = query.modelId ?? this.currentModelId();
    const built = buildListQuery('sqlite', { ...query, modelId, limit, offset });
    const total = this.db.prepare(built.countSql).pluck().get(...built.params) as number;
    const rows = this.db.prepare(built.sql).all(...built.params, limit, offset) as Record<string, unknown>[];
    return { total, items: rows.map(built.toItem) };
  }

  async countTracks(): Promise<number> {
    return this.db.prepare('SELECT count(*) FROM tracks').pluck().get() as number;
  }

  async loadCatalog(): Promise<TrackTable> {
    return this.db.transaction(() => {
      const n = this.db.prepare('SELECT count(*) FROM tracks').pluck().get() as number;
      const b = new CatalogBuilder(n);
      const st = this.db.prepare(`SELECT ${CATALOG_LIST} FROM tracks ORDER BY id`).raw();
      for (const row of st.iterate()) b.add(row as unknown[]);
      return b.build();
    })();
  }

  // ── models ─────────────────────────────────────────────────────────────────────────────────

  async registerModel(model: ModelRecord): Promise<void> {
    const m = checkModel(model);
    this.db
      .prepare(
        `INSERT INTO models (id, name, created_at, classes, path, metrics) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at,
           classes = excluded.classes, path = excluded.path, metrics = excluded.metrics`,
      )
      .run(m.id, m.name, m.createdAt, JSON.stringify(m.classes), m.path, JSON.stringify(m.metrics ?? null));
  }

  async getModel(id: string): Promise<ModelRecord | null> {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row ? toModelRecord(row) : null;
  }

  async listModels(): Promise<ModelRecord[]> {
    return (this.db.prepare('SELECT * FROM models ORDER BY created_at, id').all() as Record<string, unknown>[]).map(toModelRecord);
  }

  private currentModelId(): string | undefined {
    return this.db.prepare(`SELECT value FROM settings WHERE key = 'current_model'`).pluck().get() as string | undefined;
  }

  async getCurrentModel(): Promise<ModelRecord | null> {
    const id = this.currentModelId();
    return id === undefined ? null : this.getModel(id);
  }

  async setCurrentModel(id: string): Promise<void> {
    this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM models WHERE id = ?').get(id)) throw new InputError(`unknown model "${id}"`);
      this.db
        .prepare(`INSERT INTO settings (key, value) VALUES ('current_model', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(id);
    }).immediate();
  }

  // ── tags ───────────────────────────────────────────────────────────────────────────────────

  async writeTags(modelId: string, rows: readonly TagRow[]): Promise<{ written: number }> {
    const model = await this.getModel(modelId);
    if (!model) throw new InputError(`unknown model "${modelId}"`);
    checkTagRows(model, rows);
    const st = this.db.prepare(
      `INSERT INTO tags (model_id, track_id, label, confidence, probabilities, tagged_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (model_id, track_id) DO UPDATE SET label = excluded.label, confidence = excluded.confidence,
         probabilities = excluded.probabilities, tagged_at = excluded.tagged_at`,
    );
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      for (const r of rows) {
        try {
          st.run(modelId, r.trackId, r.label, r.confidence, JSON.stringify(r.probabilities), now);
        } catch (e) {
          if (isConstraint(e, 'FOREIGNKEY')) throw new InputError(`unknown track "${r.trackId}"`);
          if (isConstraint(e)) throw new InputError(`tag for track "${r.trackId}": ${(e as Error).message}`);
          throw e;
        }
      }
      return { written: rows.length };
    })();
  }

  async untaggedTrackIds(modelId: string): Promise<string[]> {
    return this.db
      .prepare(
        `SELECT t.id FROM tracks t WHERE NOT EXISTS (SELECT 1 FROM tags g WHERE g.model_id = ? AND g.track_id = t.id) ORDER BY t.id`,
      )
      .pluck()
      .all(modelId) as string[];
  }

  async getTags(modelId: string, trackIds?: readonly string[]): Promise<StoredTag[]> {
    const rows = (
      trackIds
        ? this.db
            .prepare(`SELECT * FROM tags WHERE model_id = ? AND track_id IN (SELECT value FROM json_each(?)) ORDER BY track_id`)
            .all(modelId, JSON.stringify(trackIds))
        : this.db.prepare('SELECT * FROM tags WHERE model_id = ? ORDER BY track_id').all(modelId)
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      modelId: r.model_id as string,
      trackId: r.track_id as string,
      label: r.label as string,
      confidence: r.confidence as number,
      probabilities: JSON.parse(r.probabilities as string),
      taggedAt: r.tagged_at as string,
    }));
  }

  // ── users and feedback ─────────────────────────────────────────────────────────────────────

  private ensureUser(user: string, now: string): void {
    if (user === '') throw new InputError('user must not be empty');
    this.db.prepare('INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(user, now);
  }

  async addFeedback(user: string, trackId: string, kind: FeedbackKind, mood?: string): Promise<void> {
    checkFeedbackKind(kind, mood);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.ensureUser(user, now);
      try {
        this.db.prepare('INSERT INTO feedback (user_id, track_id, kind, mood, created_at) VALUES (?, ?, ?, ?, ?)').run(user, trackId, kind, mood?.trim() ?? null, now);
      } catch (e) {
        if (isConstraint(e, 'FOREIGNKEY')) throw new InputError(`unknown track "${trackId}"`);
        throw e;
      }
    })();
  }

  async getFeedback(user: string): Promise<FeedbackRecord[]> {
    const rows = this.db.prepare('SELECT * FROM feedback WHERE user_id = ? ORDER BY id').all(user) as Record<string, unknown>[];
    return rows.map((r) => ({ user: r.user_id as string, trackId: r.track_id as string, kind: r.kind as FeedbackKind, ...(r.mood ? { mood: r.mood as string } : {}), createdAt: r.created_at as string }));
  }

  async getCorrections(): Promise<CorrectionRecord[]> {
    const rows = this.db.prepare("SELECT user_id, track_id, mood, created_at FROM feedback WHERE kind = 'relabel' ORDER BY id").all() as { user_id: string; track_id: string; mood: string; created_at: string }[];
    return latestCorrections(rows, (v) => v as string);
  }

  // ── playlists ──────────────────────────────────────────────────────────────────────────────

  async savePlaylist(p: NewPlaylist): Promise<PlaylistRecord> {
    if (!p.name) throw new InputError('playlist name must not be empty');
    const now = new Date().toISOString();
    const id = this.db.transaction(() => {
      if (p.user !== undefined) this.ensureUser(p.user, now);
      const info = this.db
        .prepare('INSERT INTO playlists (name, user_id, query, created_at) VALUES (?, ?, ?, ?)')
        .run(p.name, p.user ?? null, JSON.stringify(p.query ?? null), now);
      const id = Number(info.lastInsertRowid);
      const st = this.db.prepare('INSERT INTO playlist_tracks (playlist_id, position, track_id) VALUES (?, ?, ?)');
      p.trackIds.forEach((t, i) => {
        try {
          st.run(id, i, t);
        } catch (e) {
          if (isConstraint(e, 'FOREIGNKEY')) throw new InputError(`unknown track "${t}"`);
          throw e;
        }
      });
      return id;
    })();
    return (await this.getPlaylist(id))!;
  }

  async getPlaylist(id: number): Promise<PlaylistRecord | null> {
    if (!Number.isSafeInteger(id)) return null;
    const row = this.db.prepare('SELECT p.*, 0 AS track_count FROM playlists p WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    if (!row) return null;
    const { trackCount: _, ...summary } = toPlaylistSummary(row);
    const trackIds = this.db.prepare('SELECT track_id FROM playlist_tracks WHERE playlist_id = ? ORDER BY position').pluck().all(id) as string[];
    return { ...summary, trackIds };
  }

  async listPlaylists(user?: string): Promise<PlaylistSummary[]> {
    const sql = `SELECT p.*, (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id) AS track_count
                 FROM playlists p ${user !== undefined ? 'WHERE p.user_id = ?' : ''} ORDER BY p.id DESC`;
    const rows = (user !== undefined ? this.db.prepare(sql).all(user) : this.db.prepare(sql).all()) as Record<string, unknown>[];
    return rows.map(toPlaylistSummary);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
