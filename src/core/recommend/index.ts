/** The recommender: mood, context, seed, knob and arc playlists with reasons (see recommend.ts). */
export { recommend, buildRecCatalog, buildConstraints, topMoodIndex } from './recommend.ts';
export { moodsOfRows } from './rec-catalog.ts';
export type { RecCatalog, RecOptions, RecResult, RecTrack } from './recommend.ts';
export { resolveQuery, resolveMood, findTrack, nearestIds, normaliseId, DEFAULT_LIMIT, MAX_LIMIT, MAX_SEEDS } from './query.ts';
export type { RecQuery, ResolvedQuery, TargetSpec, BoundSpec } from './query.ts';
export { KNOBS, isKnob, knobRange, knobScale, formatKnob } from './knobs.ts';
export type { Knob } from './knobs.ts';
export { BUILTIN_CONTEXTS, contextRegistry, resolveContext, describeContext, parseContextPresets, matchingClasses } from './contexts.ts';
export type { ContextSpec, KnobValues } from './contexts.ts';
export { NAMED_ARCS, resolveArc, parseArcCurve, sampleArc, arcAttributes, arcFitReport, monotoneRuns, selectArc } from './arcs.ts';
export type { ArcCurve, ArcPoint, ArcFitReport, ArcStepFit } from './arcs.ts';
export { applyConstraints } from './filter.ts';
export type { Constraint, FilterStep, FilterResult } from './filter.ts';
export {
  buildScaledSpace, exactNearest, exactIndex, recallAtK, topByScore, rowVector, EXACT_SCAN_LIMIT, SIMILARITY_FEATURES,
} from './similarity.ts';
export type { NearestNeighbourIndex, Neighbours, ScaledSpace } from './similarity.ts';
export { buildIvfIndex, IvfIndex, IVF_DEFAULTS, resolveIvfOptions } from './ivf.ts';
export type { IvfOptions } from './ivf.ts';
export { mmrSelect, trackSimilarity, DEFAULT_LAMBDA } from './mmr.ts';
export { DiversityGuard, diversityViolations, maxPerArtist, normaliseTitle, DEFAULT_ARTIST_CAP } from './diversity.ts';
export type { ArtistCap } from './diversity.ts';
export { addFeedback, emptyProfile, feedbackItemAt, tasteShifts, describeShifts, TASTE_KNOBS, MAX_SHIFT } from './taste.ts';
export type { TasteProfile, FeedbackItem, TasteShift } from './taste.ts';
export { evaluateRecs } from './evaluate-recs.ts';
export type { EvalOptions, EvalReport, EvalSummary, MoodEval } from './evaluate-recs.ts';
