/**
 * The audio features moodscape understands: canonical names, documented ranges, and the engineered
 * features of the original pipeline. Ingest validates against these ranges; the model stores the
 * names it was trained on, so this registry is the single source of truth for both.
 */

export interface AudioFeatureSpec {
  readonly name: string;
  /** Inclusive range of valid values (Spotify's documented range, widened where real data goes beyond). */
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
  readonly description: string;
}

export const AUDIO_FEATURES: readonly AudioFeatureSpec[] = [
  { name: 'valence', min: 0, max: 1, description: 'musical positiveness' },
  { name: 'danceability', min: 0, max: 1, description: 'suitability for dancing' },
  { name: 'energy', min: 0, max: 1, description: 'intensity and activity' },
  { name: 'acousticness', min: 0, max: 1, description: 'confidence the track is acoustic' },
  { name: 'tempo', min: 0, max: 300, unit: 'BPM', description: 'estimated tempo' },
  { name: 'loudness', min: -80, max: 10, unit: 'dB', description: 'overall loudness' },
  { name: 'speechiness', min: 0, max: 1, description: 'presence of spoken words' },
  { name: 'instrumentalness', min: 0, max: 1, description: 'likelihood of no vocals' },
  { name: 'liveness', min: 0, max: 1, description: 'presence of an audience' },
  { name: 'mode', min: 0, max: 1, description: 'major (1) or minor (0)' },
  { name: 'duration_ms', min: 0, max: 6 * 3600 * 1000, unit: 'ms', description: 'track length' },
  { name: 'key', min: -1, max: 11, description: 'pitch class, -1 when none was detected' },
  { name: 'time_signature', min: 0, max: 7, description: 'beats per bar' },
  { name: 'popularity', min: 0, max: 100, description: 'popularity 0–100 (track or artist, as the source gives it)' },
];

export const FEATURE_SPEC: ReadonlyMap<string, AudioFeatureSpec> = new Map(AUDIO_FEATURES.map((f) => [f.name, f]));

/** Features every track must have for moodscape to tag it. */
export const REQUIRED_FEATURES = ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness'] as const;
/**
 * A catalogue written by `moodscape analyze` (it has this column) is measured from audio: it need
 * only carry what the analyzer always measures; the other Spotify columns are absent, not missing.
 */
export const ANALYZER_VERSION_COLUMN = 'analyzer_version';
export const ANALYSED_REQUIRED_FEATURES = ['tempo', 'loudness', 'duration_ms'] as const;

/** The required feature columns for a file with these (canonical) column names. */
export function requiredFeaturesFor(columns: readonly string[]): readonly string[] {
  return columns.includes(ANALYZER_VERSION_COLUMN) ? ANALYSED_REQUIRED_FEATURES : REQUIRED_FEATURES;
}

/** Features used when present. */
export const OPTIONAL_FEATURES = ['speechiness', 'instrumentalness', 'liveness', 'mode', 'duration_ms'] as const;

/** Column names seen in public Spotify CSVs, mapped to moodscape's canonical names. */
export const COLUMN_ALIASES: Readonly<Record<string, string>> = {
  length: 'duration_ms',
  duration: 'duration_ms',
  track_uri: 'id',
  uri: 'id',
  track_id: 'id',
  id: 'id',
  track_name: 'name',
  song_title: 'name',
  title: 'name',
  track: 'name',
  name: 'name',
  track_artist: 'artist',
  artist_name: 'artist',
  artists: 'artist',
  artist: 'artist',
  album_name: 'album',
  track_album_name: 'album',
  album: 'album',
  playlist_genre: 'genre',
  genre: 'genre',
  track_popularity: 'popularity',
};

/** Engineered features of the original pipeline, selectable by name. */
export interface EngineeredFeature {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly formula: string;
  compute(get: (feature: string) => number): number;
}

export const ENGINEERED_FEATURES: readonly EngineeredFeature[] = [
  {
    name: 'energy_loudness_ratio',
    inputs: ['energy', 'loudness'],
    formula: 'energy / (|loudness| + 1e-6)',
    compute: (g) => g('energy') / (Math.abs(g('loudness')) + 1e-6),
  },
  {
    name: 'valence_acousticness_interaction',
    inputs: ['valence', 'acousticness'],
    formula: 'valence · acousticness',
    compute: (g) => g('valence') * g('acousticness'),
  },
  {
    name: 'dance_energy_interaction',
    inputs: ['danceability', 'energy'],
    formula: 'danceability · energy',
    compute: (g) => g('danceability') * g('energy'),
  },
  // Log scales for features whose values pile up near 0 (most tracks have speechiness < 0.1,
  // instrumentalness ≈ 0): monotone, so they keep the order, and they spread the low end.
  ...(['speechiness', 'instrumentalness', 'acousticness'] as const).map((f): EngineeredFeature => ({
    name: `${f}_log`,
    inputs: [f],
    formula: `ln(${f} + 0.001)`,
    compute: (g) => Math.log(Math.max(g(f), 0) + 0.001),
  })),
  {
    name: 'tempo_log',
    inputs: ['tempo'],
    formula: 'ln(tempo + 1)',
    compute: (g) => Math.log(g('tempo') + 1),
  },
];

export const ENGINEERED_BY_NAME: ReadonlyMap<string, EngineeredFeature> = new Map(
  ENGINEERED_FEATURES.map((f) => [f.name, f]),
);

