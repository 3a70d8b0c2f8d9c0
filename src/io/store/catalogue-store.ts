/**
 * The catalogue store: tracks (features and metadata), mood models, tags per model, users and
 * their feedback, and saved playlists. Two backends implement it — SQLite (one file, the default)
 * and PostgreSQL — and every method is async so both share this interface and one test suite.
 *
 * Conventions shared by both backends:
 * - Track ids are text. A track without an id gets a stable derived id (see `derivedTrackId`).
 * - Feature values are 64-bit floats; a missing value is `null` in records and NaN in TrackTables.
 * - Timestamps are ISO 8601 strings in UTC with milliseconds.
 * - Every write method that touches several rows runs in one transaction: on any error nothing
 *   of that call is kept.
 */
import type { TrackTable } from '../../core/data/track-table.ts';

/** `relabel`: the user corrected the track's mood (FeedbackRecord.mood); used by `adapt`. */
export type FeedbackKind = 'like' | 'skip' | 'relabel';
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['like', 'skip', 'relabel'];

/** One stored track. `features` has every name of AUDIO_FEATURES (features.ts), null when unknown. */
export interface TrackRecord {
  id: string;
  name: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  features: Record<string, number | null>;
  /** Every other text column the track was imported with (e.g. a source's label column). */
  extra: Record<string, string>;
  updatedAt: string;
}

/** The mood a model gave a track, attached to listed tracks when a model is in play. */
export interface TrackTag {
  modelId: string;
  label: string;
  confidence: number;
}

export interface ListedTrack extends TrackRecord {
  /** The tag from `modelId` (or the current model), when the track has one. */
  tag?: TrackTag;
}

export interface ListTracksQuery {
  /** Only tracks tagged with this mood by `modelId` (default: the current model). */
  mood?: string;
  /** Which model's tags to filter by and attach; default the current model, if any. */
  modelId?: string;
  /** Case-insensitive substring of the name or the artist. */
  q?: string;
  /** Default 50. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

export interface Page<T> {
  /** Matching rows before limit/offset. */
  total: number;
  items: T[];
}

export interface UpsertResult {
  /** Ids not in the store before this call. */
  inserted: number;
  /** Ids already in the store whose row was overwritten. */
  updated: number;
}

export interface ModelRecord {
  id: string;
  name: string;
  /** ISO 8601. */
  createdAt: string;
  classes: string[];
  /** Where the model directory lives (as given when registered). */
  path: string;
  metrics: unknown;
}

export interface TagRow {
  trackId: string;
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}

export interface StoredTag extends TagRow {
  modelId: string;
  taggedAt: string;
}

export interface FeedbackRecord {
  user: string;
  trackId: string;
  kind: FeedbackKind;
  /** The corrected mood, for `relabel` only. */
  mood?: string;
  createdAt: string;
}

/** A track's mood as corrected by a user (the latest relabel of the track). */
export interface CorrectionRecord {
  trackId: string;
  mood: string;
  user: string;
  createdAt: string;
}

export interface NewPlaylist {
  name: string;
  user?: string;
  /** The query the playlist was built from (mood, context, seeds, knobs …), stored as JSON. */
  query: unknown;
  trackIds: string[];
}

export interface PlaylistSummary {
  id: number;
  name: string;
  user: string | null;
  query: unknown;
  createdAt: string;
  trackCount: number;
}

export interface PlaylistRecord extends Omit<PlaylistSummary, 'trackCount'> {
  /** In playlist order. */
  trackIds: string[];
}

export interface CatalogueStore {
  /** 'sqlite' or 'postgres'. */
  readonly kind: 'sqlite' | 'postgres';

  // ── tracks ───────────────────────────────────────────────────────────────────────────────
  /**
   * Inserts or overwrites tracks by id, all in one transaction (a failure anywhere leaves the
   * store exactly as it was). Columns the table has overwrite the stored values (a NaN or empty
   * cell clears one); columns it lacks keep their stored values; extra text columns are merged.
   * Rows without an id get `derivedTrackId`; when an id repeats within the table the last row wins.
   */
  upsertTracks(table: TrackTable): Promise<UpsertResult>;
  getTrack(id: string): Promise<TrackRecord | null>;
  listTracks(query?: ListTracksQuery): Promise<Page<ListedTrack>>;
  countTracks(): Promise<number>;
  /**
   * Every track as a TrackTable, ordered by id: text columns id, name, artist, album, genre and
   * each extra key ('' when absent); numeric columns for every feature that has at least one value
   * (NaN where a track lacks it).
   */
  loadCatalog(): Promise<TrackTable>;

  // ── models ───────────────────────────────────────────────────────────────────────────────
  /** Registers a model (re-registering an id overwrites its record). */
  registerModel(model: ModelRecord): Promise<void>;
  getModel(id: string): Promise<ModelRecord | null>;
  listModels(): Promise<ModelRecord[]>;
  getCurrentModel(): Promise<ModelRecord | null>;
  /** Throws InputError when the model is not registered. */
  setCurrentModel(id: string): Promise<void>;

  // ── tags ─────────────────────────────────────────────────────────────────────────────────
  /** Upserts tags for one model in one transaction. Unknown model or track ids throw InputError. */
  writeTags(modelId: string, rows: readonly TagRow[]): Promise<{ written: number }>;
  /** Ids of tracks the model has not tagged yet, ordered by id. */
  untaggedTrackIds(modelId: string): Promise<string[]>;
  /** The model's tags (for the given tracks, or all), ordered by track id. */
  getTags(modelId: string, trackIds?: readonly string[]): Promise<StoredTag[]>;

  // ── users and feedback ───────────────────────────────────────────────────────────────────
  /**
   * Records one like, skip or relabel (the user is created on first use; `mood` is required for a
   * relabel and refused otherwise). Unknown tracks throw InputError.
   */
  addFeedback(user: string, trackId: string, kind: FeedbackKind, mood?: string): Promise<void>;
  /** The user's feedback, oldest first. */
  getFeedback(user: string): Promise<FeedbackRecord[]>;
  /** Every corrected track with its latest relabel (whoever made it), ordered by track id. */
  getCorrections(): Promise<CorrectionRecord[]>;

  // ── playlists ────────────────────────────────────────────────────────────────────────────
  /** Saves a playlist (unknown track ids throw InputError) and returns it with its new id. */
  savePlaylist(playlist: NewPlaylist): Promise<PlaylistRecord>;
  getPlaylist(id: number): Promise<PlaylistRecord | null>;
  /** Newest first; only the user's playlists when `user` is given. */
  listPlaylists(user?: string): Promise<PlaylistSummary[]>;

  /** The schema version the store is at (see schema.ts). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
