/**
 * moodscape as a library: `import { readTracksCsv, trainMoodModel, tagTracks, … } from 'moodscape'`.
 *
 * The pipeline, stage by stage, with the same functions the CLI, the server and the workers call:
 *
 * 1. read tracks from a CSV into a TrackTable      readTracksCsv, readTracksCsvText
 * 2. features                                       AUDIO_FEATURES, ENGINEERED_FEATURES, designMatrix
 * 3. cluster and name moods from centroids          KMeans, GaussianMixture, sweepK, clusterMoods, nameMoods
 * 4. train a mood model                             trainMoodModel; on several sets trainOnSets, evaluateTransfer
 * 5. save and load a model directory                saveTrainedModel, saveMoodModel, loadMoodModel, builtinModelDir
 * 6. tag                                            tagTracks, tagProbabilities
 * 7. explain                                        explainTrack, findCounterfactual, formatExplanation
 * 8. recommend (moods, contexts, seeds, arcs)       buildRecCatalog, recommend, BUILTIN_CONTEXTS
 * 9. catalogue stores (SQLite or PostgreSQL)        openStore, tagDatabase
 *
 * Everything else under src/ is internal and may change between versions.
 */

// ── 1. reading tracks ─────────────────────────────────────────────────────────────────────────
export { readTracksCsv, readTracksCsvText, DEFAULT_READ_OPTIONS } from './io/csv/read-tracks.ts';
export type { ReadOptions, IngestResult, IngestReport, RejectedRow, MissingStrategy } from './io/csv/read-tracks.ts';
export { selectRows, emptyTable } from './core/data/track-table.ts';
export type { TrackTable } from './core/data/track-table.ts';
export { matrix, fromRows, toRows, row } from './core/common/matrix.ts';
export type { Matrix } from './core/common/matrix.ts';
export { InputError, isInputError } from './core/common/errors.ts';

// ── 2. features ───────────────────────────────────────────────────────────────────────────────
export {
  AUDIO_FEATURES, REQUIRED_FEATURES, OPTIONAL_FEATURES, ENGINEERED_FEATURES, COLUMN_ALIASES,
} from './core/data/features.ts';
export type { AudioFeatureSpec, EngineeredFeature } from './core/data/features.ts';
export { CLUSTER_FEATURES, designMatrix, featureNames, parseFeatureList, availableInputs } from './core/data/feature-matrix.ts';
export type { FeatureSelection } from './core/data/feature-matrix.ts';
export { StandardScaler, FittedStandardScaler, MinMaxScaler, FittedMinMaxScaler } from './core/data/scaler.ts';
export type { StandardScalerOptions, MinMaxScalerOptions } from './core/data/scaler.ts';

// ── 3. clustering and naming moods from centroids ─────────────────────────────────────────────
export { KMeans, FittedKMeans, KMEANS_DEFAULTS } from './core/cluster/kmeans.ts';
export type { KMeansOptions } from './core/cluster/kmeans.ts';
export { GaussianMixture, FittedGaussianMixture, GMM_DEFAULTS } from './core/cluster/gmm.ts';
export type { GMMOptions, CovarianceType } from './core/cluster/gmm.ts';
export { sweepK, K_SWEEP_DEFAULTS } from './core/cluster/k-sweep.ts';
export type { KSweepOptions, KSweepResult, KSweepPoint } from './core/cluster/k-sweep.ts';
export { PCA, FittedPCA } from './core/cluster/pca.ts';
export type { PCAOptions } from './core/cluster/pca.ts';
export { nameMoods } from './core/cluster/mood-names.ts';
export type { MoodName } from './core/cluster/mood-names.ts';
export { clusterMoods, assignClusters, MOOD_CLUSTERING_DEFAULTS } from './core/cluster/mood-clusters.ts';
export type { MoodClustering, MoodClusteringOptions, ClusterProfile, ClusterMethod } from './core/cluster/mood-clusters.ts';

// ── 4. training a mood model ──────────────────────────────────────────────────────────────────
export { trainMoodModel, trainMetrics, DEFAULT_CLASSIFIER } from './core/classify/train-mood-model.ts';
export type { TrainSpec, TrainTarget, TrainOutcome, TrainProgress } from './core/classify/train-mood-model.ts';
export { MoodClassifier, FittedMoodClassifier, MOOD_CLASSIFIER_DEFAULTS } from './core/classify/mood-classifier.ts';
export type { MoodClassifierOptions } from './core/classify/mood-classifier.ts';
export type { MoodTagger } from './core/classify/mood-model.ts';
// Several labelled sets: the mood taxonomy, pooling with partial labels, leave-one-set-out.
export { MOOD_TAXONOMY, taxonomyLabelMap, taxonomySetFor } from './core/data/mood-taxonomy.ts';
export type { MoodTaxonomy, TaxonomySet } from './core/data/mood-taxonomy.ts';
export { labelledSet, labelledSetFromFile, poolSets, sharedFeatures } from './core/data/labelled-sets.ts';
export type { LabelledSet, PooledSets, SetWeighting, DedupeReport } from './core/data/labelled-sets.ts';
export { fitOnSets, evaluateTransfer, DEFAULT_MULTI_SET_SPEC } from './core/evaluate/transfer.ts';
export type { MultiSetSpec, MultiSetFit, TransferResult, TransferFold, EvaluateTransferOptions } from './core/evaluate/transfer.ts';
export { trainOnSets } from './core/classify/train-on-sets.ts';
export type { TrainOnSetsOutcome } from './core/classify/train-on-sets.ts';

// ── 5. model directories ──────────────────────────────────────────────────────────────────────
export { saveMoodModel, loadMoodModel } from './io/mood-model-dir.ts';
export type { LoadedMoodModel, MoodModelInfo } from './io/mood-model-dir.ts';
export { saveTrainedModel, saveSetsModel } from './io/save-trained-model.ts';
export { builtinModelDir } from './io/builtin-model.ts';

// ── 6. tagging ────────────────────────────────────────────────────────────────────────────────
export { tagTracks, tagProbabilities, probabilitiesOf, PRIOR_SHIFT_MODES } from './core/tag/tag-tracks.ts';
export type { TagOptions, TagResult, PriorShiftMode } from './core/tag/tag-tracks.ts';
export { UNCERTAIN, DEFAULT_UNCERTAIN_BELOW } from './core/classify/uncertain.ts';
export type { MoodDecision } from './core/classify/uncertain.ts';

// ── 7. explaining ─────────────────────────────────────────────────────────────────────────────
export { explainTrack, shapleyValues, backgroundSample, SHAPLEY_DEFAULTS } from './core/explain/shapley.ts';
export type { TrackExplanation, FeatureContribution, ShapleyOptions, ShapleyResult } from './core/explain/shapley.ts';
export { findCounterfactual } from './core/explain/counterfactual.ts';
export type { Counterfactual, CounterfactualOptions, FeatureChange } from './core/explain/counterfactual.ts';
export { formatExplanation, formatContribution, formatCounterfactual, sortedContributions } from './core/explain/format.ts';

// ── 8. recommending ───────────────────────────────────────────────────────────────────────────
export {
  recommend, buildRecCatalog, BUILTIN_CONTEXTS, describeContext, parseContextPresets, NAMED_ARCS, parseArcCurve,
  KNOBS, addFeedback, emptyProfile, tasteShifts, describeShifts, evaluateRecs,
} from './core/recommend/index.ts';
export type {
  RecCatalog, RecQuery, RecResult, RecTrack, RecOptions, ContextSpec, ArcCurve, ArcPoint, Knob,
  TasteProfile, FeedbackItem, EvalOptions, EvalReport,
} from './core/recommend/index.ts';
export { formatPlaylist, playlistJson, PLAYLIST_FORMATS } from './io/playlist-export.ts';
export type { PlaylistFormat } from './io/playlist-export.ts';

// ── 9. catalogue stores ───────────────────────────────────────────────────────────────────────
export { openStore, isPostgresSpec, FEEDBACK_KINDS, SCHEMA_VERSION } from './io/store/open-store.ts';
export type {
  CatalogueStore, TrackRecord, ListedTrack, ListTracksQuery, Page, ModelRecord, TagRow, StoredTag,
  FeedbackKind, FeedbackRecord, NewPlaylist, PlaylistRecord, PlaylistSummary, UpsertResult,
} from './io/store/open-store.ts';
export { tagDatabase, registerLoadedModel, modelIdOf } from './io/store/tag-catalogue.ts';
export type { TagDbSummary } from './io/store/tag-catalogue.ts';
