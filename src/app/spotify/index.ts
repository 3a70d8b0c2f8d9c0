/** The Spotify-compatible `/v1` surface (see plugin.ts). */
export { spotifySurface, spotifyBearerHook } from './plugin.ts';
export type { SpotifySurfaceOptions } from './plugin.ts';
export { catalogueDeps, catalogueIndex, recommendOver, subCatalog, surfaceTrack, genreKey, derivedId } from './catalogue-deps.ts';
export type { CatalogueSource, CatalogueIndex } from './catalogue-deps.ts';
export { spotifyDepsFromState } from './from-state.ts';
export type { CatalogueStateLike } from './from-state.ts';
export { SpotifyError, spotifyErrorBody } from './errors.ts';
export { parseRecommendationsQuery, parseIds, commaList, TUNABLE, MAX_IDS, MAX_SEEDS, DEFAULT_LIMIT, MAX_LIMIT } from './params.ts';
export { audioFeaturesObject, trackObject, seedObject } from './objects.ts';
export type * from './types.ts';
