/**
 * SurfaceTrack → the objects Spotify's clients parse. `base` is this server's own URL
 * (http://host:port), so every `href` points back at moodscape; `external_urls.spotify` and `uri`
 * keep Spotify's spelling because the catalogues' ids are Spotify's track ids.
 */
import type {
  MoodscapeReasons, SpotifyAudioFeatures, SpotifyRecommendationSeed, SpotifySimplifiedAlbum, SpotifySimplifiedArtist,
  SpotifyTrack, SurfaceSeed, SurfaceTrack,
} from './types.ts';

const OPEN = 'https://open.spotify.com';

export function audioFeaturesObject(t: SurfaceTrack, base: string): SpotifyAudioFeatures {
  const f = t.features;
  const v = (k: string) => f[k] ?? null;
  return {
    danceability: v('danceability'),
    energy: v('energy'),
    key: v('key'),
    loudness: v('loudness'),
    mode: v('mode'),
    speechiness: v('speechiness'),
    acousticness: v('acousticness'),
    instrumentalness: v('instrumentalness'),
    liveness: v('liveness'),
    valence: v('valence'),
    tempo: v('tempo'),
    type: 'audio_features',
    id: t.id,
    uri: `spotify:track:${t.id}`,
    track_href: `${base}/v1/tracks/${encodeURIComponent(t.id)}`,
    analysis_url: `${base}/v1/audio-analysis/${encodeURIComponent(t.id)}`,
    duration_ms: v('duration_ms'),
    time_signature: v('time_signature'),
  };
}

function artistObject(a: { id: string; name: string }, base: string): SpotifySimplifiedArtist {
  return {
    external_urls: { spotify: `${OPEN}/artist/${a.id}` },
    href: `${base}/v1/artists/${a.id}`,
    id: a.id,
    name: a.name,
    type: 'artist',
    uri: `spotify:artist:${a.id}`,
  };
}

const NO_EXTERNAL_IDS = { isrc: '', ean: '', upc: '' };

export function trackObject(t: SurfaceTrack, base: string, reasons?: MoodscapeReasons): SpotifyTrack {
  const artists = t.artists.map((a) => artistObject(a, base));
  const popularity = t.features.popularity ?? null;
  const album: SpotifySimplifiedAlbum = {
    album_type: 'album',
    album_group: 'album',
    artists,
    available_markets: [],
    copyrights: [],
    external_ids: { ...NO_EXTERNAL_IDS },
    external_urls: { spotify: `${OPEN}/album/${t.album.id}` },
    genres: t.genre ? [t.genre] : [],
    href: `${base}/v1/albums/${t.album.id}`,
    id: t.album.id,
    images: [],
    label: '',
    name: t.album.name,
    popularity,
    release_date: t.album.releaseDate,
    release_date_precision: t.album.releaseDatePrecision,
    total_tracks: t.album.totalTracks,
    type: 'album',
    uri: `spotify:album:${t.album.id}`,
  };
  const out: SpotifyTrack = {
    album,
    artists,
    available_markets: [],
    disc_number: 1,
    duration_ms: t.features.duration_ms ?? null,
    episode: false,
    explicit: t.explicit,
    external_ids: { ...NO_EXTERNAL_IDS },
    external_urls: { spotify: `${OPEN}/track/${t.id}` },
    href: `${base}/v1/tracks/${encodeURIComponent(t.id)}`,
    id: t.id,
    is_local: false,
    is_playable: true,
    name: t.name,
    popularity,
    preview_url: null,
    track: true,
    track_number: 1,
    type: 'track',
    uri: `spotify:track:${t.id}`,
  };
  if (reasons) out.moodscape = reasons;
  else if (t.mood) out.moodscape = { mood: t.mood.label, topMood: t.mood.topMood, confidence: t.mood.confidence, probabilities: t.mood.probabilities };
  return out;
}

export function seedObject(s: SurfaceSeed, base: string): SpotifyRecommendationSeed {
  const href = s.type === 'TRACK' ? `${base}/v1/tracks/${encodeURIComponent(s.id)}` : s.type === 'ARTIST' ? `${base}/v1/artists/${s.id}` : null;
  return {
    initialPoolSize: s.initialPoolSize,
    afterFilteringSize: s.afterFilteringSize,
    afterRelinkingSize: s.afterRelinkingSize,
    id: s.id,
    href,
    type: s.type,
  };
}
