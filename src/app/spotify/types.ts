/**
 * What the Spotify-compatible surface needs from the service (SpotifySurfaceDeps) and the objects it
 * sends, typed after the clients' own declarations (@spotify/web-api-ts-sdk's Track, AudioFeatures,
 * RecommendationsResponse …). Fields Spotify documents as possibly null (preview_url, a genre
 * seed's href) and audio features a catalogue lacks are `null`; everything else is always there.
 */

// ── what the service provides ────────────────────────────────────────────────────────────────

import type { AuthMode } from '../server/auth.ts';

/** Authorisation of the /v1 routes: the server's own mode (bearer token, open with --no-auth, or none configured). */
export type SpotifyAuth = AuthMode;

export interface SurfaceArtist {
  id: string;
  name: string;
}

export interface SurfaceAlbum {
  id: string;
  name: string;
  /** As the catalogue gives it: 2024-08-16, 2024-08 or 2024; '' when unknown. */
  releaseDate: string;
  releaseDatePrecision: 'day' | 'month' | 'year';
  /** Tracks of this album in the catalogue. */
  totalTracks: number;
}

/** A catalogue track as the surface needs it. */
export interface SurfaceTrack {
  id: string;
  name: string;
  artists: SurfaceArtist[];
  album: SurfaceAlbum;
  genre: string | null;
  explicit: boolean;
  /** Audio features by canonical name (features.ts); null when the catalogue lacks the value. */
  features: Record<string, number | null>;
  /** The current model's mood for the track. */
  /** `label` is the tagging path's (`uncertain` below the model's threshold); `topMood` the most probable mood. */
  mood?: { label: string; topMood: string; confidence: number; probabilities: Record<string, number> };
}

/** A /v1/recommendations request, parsed and range-checked for syntax (not yet against a catalogue). */
export interface SurfaceRecQuery {
  seedTracks: string[];
  seedArtists: string[];
  seedGenres: string[];
  /** moodscape: hard mood filter + mood score (the recommender's `moods`). */
  seedMoods: string[];
  /** moodscape: a mood whose probability raises a track's score, without filtering. */
  targetMood?: string;
  /** moodscape: a context preset (workout, focus …). */
  context?: string;
  limit: number;
  min: Record<string, number>;
  max: Record<string, number>;
  target: Record<string, number>;
}

export type SeedType = 'TRACK' | 'ARTIST' | 'GENRE' | 'MOOD';

export interface SurfaceSeed {
  id: string;
  type: SeedType;
  initialPoolSize: number;
  afterFilteringSize: number;
  afterRelinkingSize: number;
}

export interface MoodscapeReasons {
  /** `uncertain` when the top mood's probability is below the model's threshold. */
  mood: string;
  /** The most probable mood whatever the threshold. */
  topMood: string;
  confidence: number;
  /** The recommender's relevance score in [0, 1]. */
  score: number;
  /** Why the track was picked, one line per reason. */
  why: string[];
  probabilities: Record<string, number>;
}

export interface SurfaceRecResult {
  seeds: SurfaceSeed[];
  tracks: (SurfaceTrack & { reasons: MoodscapeReasons })[];
  /** The query as the recommender understood it. */
  query: Record<string, unknown>;
  warnings: string[];
}

/**
 * Everything the /v1 plugin needs. `catalogueDeps` (catalogue-deps.ts) implements it over a tagged
 * RecCatalog; `spotifyDepsFromState` adapts the server's CatalogueState.
 */
export interface SpotifySurfaceDeps {
  auth: SpotifyAuth;
  /** One entry per id, null where the catalogue has no such track. */
  getTracksByIds(ids: readonly string[]): Promise<(SurfaceTrack | null)[]> | (SurfaceTrack | null)[];
  /** Throws InputError (→ 400) on a seed, genre, mood or knob the catalogue cannot serve. */
  recommend(query: SurfaceRecQuery): Promise<SurfaceRecResult> | SurfaceRecResult;
  /** Genre seed names the catalogue can serve (Spotify spelling: lower case, dashes). */
  genres(): Promise<readonly string[]> | readonly string[];
}

// ── what the clients receive ─────────────────────────────────────────────────────────────────

export interface ExternalUrls {
  spotify: string;
}

export interface ExternalIds {
  isrc: string;
  ean: string;
  upc: string;
}

export interface SpotifyAudioFeatures {
  danceability: number | null;
  energy: number | null;
  key: number | null;
  loudness: number | null;
  mode: number | null;
  speechiness: number | null;
  acousticness: number | null;
  instrumentalness: number | null;
  liveness: number | null;
  valence: number | null;
  tempo: number | null;
  type: 'audio_features';
  id: string;
  uri: string;
  track_href: string;
  analysis_url: string;
  duration_ms: number | null;
  time_signature: number | null;
}

export interface SpotifySimplifiedArtist {
  external_urls: ExternalUrls;
  href: string;
  id: string;
  name: string;
  type: 'artist';
  uri: string;
}

export interface SpotifySimplifiedAlbum {
  album_type: string;
  album_group: string;
  artists: SpotifySimplifiedArtist[];
  available_markets: string[];
  copyrights: { text: string; type: string }[];
  external_ids: ExternalIds;
  external_urls: ExternalUrls;
  genres: string[];
  href: string;
  id: string;
  images: { url: string; height: number; width: number }[];
  label: string;
  name: string;
  popularity: number | null;
  release_date: string;
  release_date_precision: string;
  total_tracks: number;
  type: 'album';
  uri: string;
}

export interface SpotifyTrack {
  album: SpotifySimplifiedAlbum;
  artists: SpotifySimplifiedArtist[];
  available_markets: string[];
  disc_number: number;
  duration_ms: number | null;
  episode: boolean;
  explicit: boolean;
  external_ids: ExternalIds;
  external_urls: ExternalUrls;
  href: string;
  id: string;
  is_local: boolean;
  is_playable: boolean;
  name: string;
  popularity: number | null;
  preview_url: string | null;
  track: boolean;
  track_number: number;
  type: 'track';
  uri: string;
  /** moodscape's mood for the track (recommendations add score and reasons). */
  moodscape?: Partial<MoodscapeReasons> & { mood: string; confidence: number };
}

export interface SpotifyRecommendationSeed {
  initialPoolSize: number;
  afterFilteringSize: number;
  afterRelinkingSize: number;
  id: string;
  /** null for genre (and mood) seeds, as Spotify documents. */
  href: string | null;
  type: SeedType;
}

export interface SpotifyRecommendations {
  seeds: SpotifyRecommendationSeed[];
  tracks: SpotifyTrack[];
  /** moodscape: the query as understood and anything the caller should know. */
  moodscape: { query: Record<string, unknown>; warnings: string[] };
}
