/**
 * Reads the tags of an audio file with music-metadata: the text columns of an analysed track and
 * the MusicBrainz recording id that becomes its id.
 */
import { parseFile } from 'music-metadata';

export interface AudioTags {
  title: string;
  artist: string;
  album: string;
  genre: string;
  /** Seconds, as the container states it (NaN when it does not). */
  durationSeconds: number;
  musicbrainzRecordingId: string;
  musicbrainzReleaseId: string;
  musicbrainzArtistId: string;
}

const EMPTY_TAGS: AudioTags = {
  title: '', artist: '', album: '', genre: '', durationSeconds: NaN,
  musicbrainzRecordingId: '', musicbrainzReleaseId: '', musicbrainzArtistId: '',
};

/** Tags of `path`; a file whose tags cannot be parsed gets empty tags (decoding decides whether it is usable). */
export async function readAudioTags(path: string): Promise<AudioTags> {
  try {
    const { common, format } = await parseFile(path, { duration: false, skipCovers: true });
    return {
      title: common.title ?? '',
      artist: common.artist ?? common.artists?.join(', ') ?? '',
      album: common.album ?? '',
      genre: common.genre?.join('; ') ?? '',
      durationSeconds: format.duration ?? NaN,
      musicbrainzRecordingId: common.musicbrainz_recordingid ?? '',
      musicbrainzReleaseId: common.musicbrainz_albumid ?? '',
      musicbrainzArtistId: common.musicbrainz_artistid?.[0] ?? '',
    };
  } catch {
    return { ...EMPTY_TAGS };
  }
}
