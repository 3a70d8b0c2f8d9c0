/**
 * What the server holds in memory: the catalogue from the store, tagged once by the model (mood
 * probabilities, top mood), the recommender's scaled feature space, a 2-D mood map (PCA of the
 * model's standardised inputs) and a background sample for explanations. A snapshot is rebuilt
 * after every write (writes are serialised); readers keep using the snapshot they started with.
 *
 * The store stays the source of truth: tracks, tags (for `GET /tracks?mood=`) and feedback live there.
 */
import { matrix, row, type Matrix } from '../../core/common/matrix.ts';
import { DEFAULT_PRIOR_SHIFT, formatMix, probabilitiesOf, tagProbabilities, type PriorShiftMode, type TagResult } from '../../core/tag/tag-tracks.ts';
import { PCA, type FittedPCA } from '../../core/cluster/pca.ts';
import { backgroundSample, explainTrack, type TrackExplanation } from '../../core/explain/shapley.ts';
import { sortedContributions, formatContribution } from '../../core/explain/format.ts';
import {
  BUILTIN_CONTEXTS, buildScaledSpace, feedbackItemAt, recommend, topMoodIndex,
  type ContextSpec, type RecCatalog, type RecQuery, type RecResult, type TasteProfile,
} from '../../core/recommend/index.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { InputError } from '../../core/common/errors.ts';
import { loadMoodModel, type LoadedMoodModel } from '../../io/mood-model-dir.ts';
import { isStoreUnavailable } from '../../io/store/store-errors.ts';
import type { CatalogueStore, FeedbackKind, ModelRecord, TagRow } from '../../io/store/open-store.ts';
import { registerLoadedModel, tagDatabase } from '../../io/store/tag-catalogue.ts';
import type { CatalogueChange, ChangeFeed } from '../../io/store/change-feed.ts';
import { catalogueTasteStore, relabelEvent, type TasteStore } from '../../io/taste-store.ts';
import { adaptModelDir, type AdaptResult } from '../../io/adapt-model.ts';

export interface Snapshot {
  /** Increases with every rebuild. */
  readonly version: number;
  readonly loadedAt: string;
  readonly table: TrackTable;
  readonly rec: RecCatalog;
  /** Model inputs per track (rows × model.inputFeatures), missing values at the training mean. */
  readonly X: Matrix;
  readonly background: Matrix;
  readonly rowOf: ReadonlyMap<string, number>;
  /** Mood-map coordinates per row. */
  readonly mapX: Float64Array;
  readonly mapY: Float64Array;
  readonly map: MoodMapSpace | null;
  readonly moodCounts: Readonly<Record<string, number>>;
  /** Moods of every row through the one tagging path (threshold and `uncertain` included). */
  readonly tags: TagResult;
}

/** How features are projected onto the mood map: standardise, then the first two principal components. */
export interface MoodMapSpace {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly pca: FittedPCA;
  /** Share of the variance each axis shows. */
  readonly explained: readonly [number, number];
}

export interface CatalogueStateOptions {
  store: CatalogueStore;
  modelDir: string;
  loaded: LoadedMoodModel;
  /** User context presets besides the built-ins. */
  contexts?: readonly ContextSpec[];
  /** Tag untagged tracks in the store at start-up (default true). */
  tagOnOpen?: boolean;
  /** Background rows for explanations (default 24: 2^d × 24 model rows per explained track). */
  backgroundRows?: number;
  /** Cached recommendation results (default 2,000). */
  cacheSize?: number;
  /** `auto`: tags and mood rankings use probabilities adjusted to the catalogue's estimated mix. */
  priorShift?: PriorShiftMode;
  /** Where POST /models/adapt writes the adapted model (default: `<modelDir>-adapted`). */
  adaptDir?: string;
  log?: (line: string) => void;
  /** Replicas of the service: writes are published here, and other replicas' writes reload this one. */
  changes?: ChangeFeed;
}

export interface TaggedFeatures {
  mood: string;
  confidence: number;
  probabilities: Record<string, number>;
  map: { x: number; y: number } | null;
}

/** A tiny insertion-ordered LRU. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) { this.map.delete(k); this.map.set(k, v); }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  clear(): void { this.map.clear(); }
  get size(): number { return this.map.size; }
}

export class CatalogueState {
  readonly store: CatalogueStore;
  /** The serving model; POST /models/adapt (or another replica's) swaps it. */
  loaded: LoadedMoodModel;
  modelDir: string;
  /**
   * The model the server was started with. The store's corrections accumulate, so every adaptation
   * starts from it: adapting the adapted model to the same corrections would count them twice.
   */
  private readonly baseLoaded: LoadedMoodModel;
  private readonly baseDir: string;
  readonly contexts: readonly ContextSpec[];
  modelRecord!: ModelRecord;
  private snap!: Snapshot;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly recCache: Lru<RecResult>;
  private readonly explainCache = new Lru<ExplanationJson>(500);
  /** Bumped on every feedback write, so cached recommendations with a taste profile go stale. */
  private readonly feedbackVersion = new Map<string, number>();
  readonly changes: ChangeFeed | undefined;
  /** A reload asked for by another replica is queued and has not started yet. */
  private reloadQueued = false;
  private readonly backgroundRows: number;
  readonly priorShift: PriorShiftMode;
  readonly adaptDir: string;
  private readonly log: (line: string) => void;

  private constructor(o: CatalogueStateOptions) {
    this.store = o.store;
    this.loaded = this.baseLoaded = o.loaded;
    this.modelDir = this.baseDir = o.modelDir;
    this.contexts = o.contexts ?? [];
    this.backgroundRows = o.backgroundRows ?? 24;
    this.priorShift = o.priorShift ?? DEFAULT_PRIOR_SHIFT;
    this.adaptDir = o.adaptDir ?? `${o.modelDir.replace(/[/\\]+$/, '')}-adapted`;
    this.recCache = new Lru(o.cacheSize ?? 2000);
    this.log = o.log ?? (() => {});
    this.changes = o.changes;
  }

  /** Registers the model, tags what is untagged, and loads the first snapshot. */
  static async open(o: CatalogueStateOptions): Promise<CatalogueState> {
    const s = new CatalogueState(o);
    if (o.tagOnOpen ?? true) {
      const r = await tagDatabase(s.store, s.modelDir, { loaded: s.loaded, log: s.log, priorShift: s.priorShift });
      if (r.tagged) s.log(`tagged ${r.tagged} untagged tracks with model ${r.modelId}`);
    }
    s.modelRecord = await registerLoadedModel(s.store, s.modelDir, s.loaded);
    s.snap = await s.build(1);
    s.changes?.subscribe((c) => s.onRemoteChange(c));
    return s;
  }

  get model() { return this.loaded.model; }
  get classes(): readonly string[] { return this.loaded.model.classes; }
  get snapshot(): Snapshot { return this.snap; }
  get allContexts(): readonly ContextSpec[] { return [...BUILTIN_CONTEXTS, ...this.contexts]; }

  /** Runs `fn` after every earlier write, then rebuilds the snapshot. */
  async write<T>(fn: () => Promise<T>, rebuild = true): Promise<T> {
    const run = this.writes.then(async () => {
      const out = await fn();
      if (rebuild) {
        this.snap = await this.build(this.snap.version + 1);
        this.recCache.clear();
        this.explainCache.clear();
        this.publish({ what: 'catalogue' });
      }
      return out;
    });
    this.writes = run.catch(() => {});
    return run;
  }

  /** Tells the other replicas; a lost notification must not fail the write that is already committed. */
  private publish(change: CatalogueChange): void {
    this.changes?.publish(change).catch((e) => this.log(`replica: could not notify the others: ${(e as Error).message}`));
  }

  /** Another replica wrote: reload the catalogue (one queued reload covers any number of notices), or forget a user's cached results. */
  private onRemoteChange(c: CatalogueChange): void {
    if (c.what === 'feedback') {
      this.feedbackVersion.set(c.user, (this.feedbackVersion.get(c.user) ?? 0) + 1);
      return;
    }
    if (c.what === 'model') {
      const run = this.writes.then(() => this.followCurrentModel());
      this.writes = run.catch((e) => this.log(`replica: could not switch to the store's current model: ${(e as Error).message}`));
      return;
    }
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    const run = this.writes.then(async () => {
      this.reloadQueued = false;
      this.snap = await this.build(this.snap.version + 1);
      this.recCache.clear();
      this.explainCache.clear();
    });
    this.writes = run.catch((e) => this.log(`replica: reload failed: ${(e as Error).message}`));
  }

  /** Model input row for raw feature values (missing → the training mean; names checked by the caller). */
  inputRow(features: Readonly<Record<string, number | null | undefined>>): Float64Array {
    const m = this.model;
    return Float64Array.from(m.inputFeatures, (f, j) => {
      const v = features[f];
      return typeof v === 'number' && Number.isFinite(v) ? v : m.scaler.mean[j];
    });
  }

  /** Mood, probabilities and map position for feature rows not in the catalogue. */
  tagFeatures(rows: readonly Readonly<Record<string, number | null | undefined>>[]): TaggedFeatures[] {
    const d = this.model.inputFeatures.length;
    const X = matrix(rows.length, d);
    rows.forEach((r, i) => X.data.set(this.inputRow(r), i * d));
    // Rows outside the catalogue are adjusted to the catalogue's mix, not to their own.
    const { decisions, proba: P } = tagProbabilities(this.classes, this.model.predictProbaRaw(X), this.tagOptions(this.snap.tags.estimatedPriors));
    const map = this.snap.map;
    return decisions.map((t, i) => ({
      mood: t.mood,
      confidence: t.confidence,
      probabilities: this.probabilities(P, i),
      map: map ? project(map, X.data.subarray(i * d, (i + 1) * d)) : null,
    }));
  }

  private tagOptions(cataloguePriors?: Readonly<Record<string, number>> | null, model = this.model) {
    return {
      uncertainBelow: model.uncertainBelow,
      priorShift: this.priorShift,
      trainingPriors: model.trainingPriors,
      cataloguePriors: cataloguePriors ? model.classes.map((c) => cataloguePriors[c]) : null,
    };
  }

  probabilities(P: Matrix, i: number): Record<string, number> {
    const out: Record<string, number> = {};
    this.classes.forEach((c, j) => { out[c] = P.data[i * P.cols + j]; });
    return out;
  }

  /** Likes and skips, in the store's feedback table (the same one `moodscape feedback --db` writes). */
  get taste(): TasteStore {
    return catalogueTasteStore(this.store, this.snap.table, this.snap.rowOf);
  }

  /** The taste profile of a user from the store's feedback, with feature snapshots from the catalogue. */
  async profile(user: string): Promise<TasteProfile> {
    return this.taste.profile(user);
  }

  /** A like, skip or (with `mood`, one of the model's classes) a relabel of a catalogue track. */
  async addFeedback(user: string, trackId: string, kind: FeedbackKind, mood?: string): Promise<TasteProfile> {
    const r = this.snap.rowOf.get(trackId);
    if (r === undefined) throw new InputError(`unknown track id "${trackId}"`);
    if (kind === 'relabel' && (mood === undefined || !this.classes.includes(mood))) {
      throw new InputError(`a relabel needs "mood", one of the model's moods (${this.classes.join(', ')}); got ${mood === undefined ? 'none' : `"${mood}"`}`, { column: 'mood' });
    }
    if (kind !== 'relabel' && mood !== undefined) throw new InputError(`"mood" goes with kind "relabel" only, not "${kind}"`, { column: 'mood' });
    const event = kind === 'relabel' ? relabelEvent(this.snap.table, r, mood!) : { kind, item: feedbackItemAt(this.snap.table, r) };
    const p = await this.taste.record(user, [event]);
    this.feedbackVersion.set(user, (this.feedbackVersion.get(user) ?? 0) + 1);
    this.publish({ what: 'feedback', user });
    return p;
  }

  /**
   * Adapts the start-up model to the store's mood corrections, writes the adapted model to
   * `adaptDir` (replaced whole, atomically), registers it as the store's current model and serves
   * it; the other replicas switch to it through the change feed. Call it inside `write(…, false)`.
   */
  async adaptModel(): Promise<AdaptResult & { corrections: number; modelId: string }> {
    const corrections = await this.taste.corrections();
    const r = await adaptModelDir(this.baseLoaded, this.baseDir, corrections, this.adaptDir);
    // Served as read back from disk, through the validating loader, like any other model directory.
    await this.swapModel(this.adaptDir, await loadMoodModel(this.adaptDir));
    this.publish({ what: 'model' });
    return { ...r, corrections: corrections.length, modelId: this.modelRecord.id };
  }

  /** Another replica adapted: serve the store's current model when it is not ours. */
  private async followCurrentModel(): Promise<void> {
    const current = await this.store.getCurrentModel();
    if (!current || current.id === this.modelRecord.id) return;
    await this.swapModel(current.path, await loadMoodModel(current.path), current);
    this.log(`replica: now serving model ${current.id}`);
  }

  /**
   * Builds the snapshot with `loaded` first and only then switches model and snapshot together, so
   * no request sees the new model with the old snapshot. Without `current` (the store's record of
   * it) it is registered as the store's current model and tags the tracks it has no tags for.
   */
  private async swapModel(dir: string, loaded: LoadedMoodModel, current?: ModelRecord): Promise<void> {
    let record = current;
    if (!record) {
      await tagDatabase(this.store, dir, { loaded, log: this.log, priorShift: this.priorShift });
      record = await registerLoadedModel(this.store, dir, loaded);
    }
    const snap = await this.build(this.snap.version + 1, loaded);
    this.loaded = loaded;
    this.modelDir = dir;
    this.modelRecord = record;
    this.snap = snap;
    this.recCache.clear();
    this.explainCache.clear();
  }

  /** The recommender over the current snapshot, cached per (query, user feedback, snapshot). */
  /**
   * With the store unavailable, a user's taste cannot be read: the recommendation is made without
   * it (not cached) and `tasteUnavailable` carries the store's error, for the caller to report.
   */
  async recommend(query: RecQuery & { user?: string }): Promise<{ result: RecResult; snapshot: Snapshot; cached: boolean; tasteUnavailable?: unknown }> {
    const snapshot = this.snap;
    if (snapshot.table.rowCount === 0) throw new InputError('the catalogue is empty: POST /tracks or `moodscape import` first');
    const { user, ...q } = query;
    const key = `${snapshot.version}|${user ?? ''}|${user ? (this.feedbackVersion.get(user) ?? 0) : ''}|${stableJson(q)}`;
    const hit = this.recCache.get(key);
    if (hit) return { result: hit, snapshot, cached: true };
    let taste: TasteProfile | undefined;
    try {
      taste = user ? await this.profile(user) : undefined;
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      const result = recommend(snapshot.rec, q, { contexts: this.contexts });
      return { result, snapshot, cached: false, tasteUnavailable: e };
    }
    const useTaste = taste && (taste.likes.length || taste.skips.length) ? taste : undefined;
    const result = recommend(snapshot.rec, { ...q, taste: useTaste }, { contexts: this.contexts });
    this.recCache.set(key, result);
    return { result, snapshot, cached: false };
  }

  /** Shapley explanation of a catalogue track's mood (cached). */
  explain(id: string): ExplanationJson | null {
    const { rowOf, X, background } = this.snap;
    const r = rowOf.get(id);
    if (r === undefined) return null;
    const hit = this.explainCache.get(id);
    if (hit) return hit;
    const e = explainTrack(this.model, row(X, r), background, { trackId: id });
    const json = explanationJson(e);
    this.explainCache.set(id, json);
    return json;
  }

  /** Writes tags for the given catalogue rows (after an upsert) with the current model. */
  async writeTagsFor(ids: readonly string[]): Promise<number> {
    const { rowOf, tags } = this.snap;
    const rows: TagRow[] = [];
    for (const id of ids) {
      const r = rowOf.get(id);
      if (r === undefined) continue;
      const t = tags.decisions[r];
      rows.push({ trackId: id, label: t.mood, confidence: t.confidence, probabilities: probabilitiesOf(tags, r) });
    }
    return rows.length ? (await this.store.writeTags(this.modelRecord.id, rows)).written : 0;
  }

  private async build(version: number, loaded: LoadedMoodModel = this.loaded): Promise<Snapshot> {
    const t0 = performance.now();
    const table = await this.store.loadCatalog();
    const m = loaded.model;
    const n = table.rowCount;
    const d = m.inputFeatures.length;
    // Model inputs, with NaN (a track that lacks an optional feature) at the training mean.
    const X = n ? m.featureMatrix(table) : matrix(0, d);
    for (let i = 0; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) X.data[i] = m.scaler.mean[i % d];
    const tags = tagProbabilities(m.classes, n ? m.predictProbaRaw(X) : matrix(0, m.classes.length), this.tagOptions(null, m));
    // Mood queries rank by the probabilities the tags came from (adjusted, with prior shift).
    const proba = tags.proba;
    if (tags.estimatedPriors) this.log(`prior shift: estimated mood mix ${formatMix(tags.estimatedPriors)}`);
    const space = buildScaledSpace(table);
    const topMood = topMoodIndex(proba);
    const rowOf = new Map<string, number>();
    const ids = table.text.id ?? [];
    for (let i = 0; i < ids.length; i++) rowOf.set(ids[i], i);
    // rowOf lets recommend() reuse this id map rather than build its own on the first seed query.
    const rec: RecCatalog = { table, classes: [...m.classes], proba, scaled: space.scaled, dims: space.dims, topMood, rowOf, uncertainBelow: m.uncertainBelow };
    // One throw-away query fills recommend()'s per-catalogue caches, so no user pays for them.
    if (n > 0) recommend(rec, { moods: [m.classes[topMood[0]]], limit: 1 });
    const moodCounts = tags.counts;
    const map = n >= 3 ? fitMap(X) : null;
    const mapX = new Float64Array(n), mapY = new Float64Array(n);
    if (map) for (let i = 0; i < n; i++) {
      const p = project(map, X.data.subarray(i * d, (i + 1) * d));
      mapX[i] = p.x; mapY[i] = p.y;
    }
    const background = n ? backgroundSample(X, this.backgroundRows, 0) : matrix(0, d);
    this.log(`catalogue snapshot ${version}: ${n} tracks in ${Math.round(performance.now() - t0)} ms`);
    return { version, loadedAt: new Date().toISOString(), table, rec, X, background, rowOf, mapX, mapY, map, moodCounts, tags };
  }
}

export interface ExplanationJson {
  mood: string;
  probability: number;
  baseline: number;
  method: string;
  contributions: { feature: string; value: number; shap: number; text: string }[];
}

function explanationJson(e: TrackExplanation): ExplanationJson {
  return {
    mood: e.mood,
    probability: e.probability,
    baseline: e.baseline,
    method: e.exact ? `exact Shapley values over ${e.coalitions} coalitions, ${e.backgroundRows} background tracks` : `Shapley values from ${e.permutations} sampled permutations, ${e.backgroundRows} background tracks`,
    contributions: sortedContributions(e).map((c) => ({ feature: c.feature, value: c.value, shap: c.shap, text: formatContribution(c) })),
  };
}

function fitMap(X: Matrix): MoodMapSpace {
  const { rows: n, cols: d } = X;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (X.data[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / n) || 1;
  // PCA on at most 20k rows: the axes are stable long before that and large catalogues stay quick.
  const step = Math.max(1, Math.floor(n / 20_000));
  const m = Math.ceil(n / step);
  const Z = matrix(m, d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) Z.data[k * d + j] = (X.data[k * step * d + j] - mean[j]) / std[j];
  const pca = new PCA({ nComponents: 2 }).fit(Z);
  return { mean, std, pca, explained: [pca.explainedVarianceRatio[0], pca.explainedVarianceRatio[1]] };
}

function project(map: MoodMapSpace, x: ArrayLike<number>): { x: number; y: number } {
  const d = map.mean.length;
  const c = map.pca.components.data;
  let px = 0, py = 0;
  for (let j = 0; j < d; j++) {
    const z = (x[j] - map.mean[j]) / map.std[j] - map.pca.mean[j];
    px += c[j] * z;
    py += c[d + j] * z;
  }
  return { x: round4(px), y: round4(py) };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** JSON with object keys sorted, so equal queries give equal cache keys. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}
