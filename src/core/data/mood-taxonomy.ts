/**
 * moodscape's mood taxonomy: how every labelled set's labels map onto moodscape's moods. This is
 * a data file (`moodscape moods --taxonomy` prints it, README "How well moods carry over" shows it
 * as a table); the code that applies it is `taxonomyLabelMap` below and label-map.ts.
 *
 * Why these mappings (the evidence is in ../shared/data/SOURCES.md):
 * - The four moods of data_moods (Calm, Energetic, Happy, Sad) are moodscape's moods. Angry is a
 *   fifth mood that three sets label (skerjanec, pranav, bdizon) and data_moods does not; it is in
 *   the taxonomy, and a model trains on it only when asked (`--moods …,Angry`), because the
 *   product's moods, the shipped model and the leave-one-set-out references are the four.
 * - skerjanec `active` → Energetic, pranav `party` → Energetic: high-energy playlists.
 * - pranav `chill` → Calm.
 * - pranav `instrument`, `romance` and `spirit` describe a genre, a theme and a context rather
 *   than a mood of the four: they are kept out (and counted), never forced onto a mood.
 * Labels are matched case-insensitively; `--map label=Mood,…` overrides single entries.
 */
import type { LabelMap } from './label-map.ts';

export interface TaxonomySet {
  /** Short name, also matched against a file name to say which set a file is. */
  readonly name: string;
  readonly file: string;
  readonly source: string;
  /** Each of the set's labels → a mood, or null when it has no counterpart (kept out, counted). */
  readonly labels: Readonly<Record<string, string | null>>;
}

export interface MoodTaxonomy {
  readonly version: number;
  /** Every mood a label can map to. */
  readonly moods: readonly string[];
  /** The moods a model trains on unless told otherwise (`--moods`). */
  readonly defaultMoods: readonly string[];
  readonly sets: readonly TaxonomySet[];
}

export const MOOD_TAXONOMY: MoodTaxonomy = {
  version: 1,
  moods: ['Angry', 'Calm', 'Energetic', 'Happy', 'Sad'],
  defaultMoods: ['Calm', 'Energetic', 'Happy', 'Sad'],
  sets: [
    {
      name: 'data_moods',
      file: 'data_moods.csv',
      source: 'cristobalvch/Spotify-Machine-Learning',
      labels: { Calm: 'Calm', Energetic: 'Energetic', Happy: 'Happy', Sad: 'Sad' },
    },
    {
      name: 'skerjanec',
      file: 'skerjanec_moods_5class.csv',
      source: 'skerjanec/spotifyTest',
      labels: { active: 'Energetic', angry: 'Angry', calm: 'Calm', happy: 'Happy', sad: 'Sad' },
    },
    {
      name: 'pranav',
      file: 'pranav_playlist_moods_8class.csv',
      source: 'PranavSetlur/Mood-Mapper',
      labels: { angry: 'Angry', chill: 'Calm', happy: 'Happy', party: 'Energetic', sad: 'Sad', instrument: null, romance: null, spirit: null },
    },
    {
      name: 'bdizon',
      file: 'bdizon_playlist_moods_angry_happy_sad.csv',
      source: 'bdizon/spotify-mood-classification',
      labels: { angry: 'Angry', happy: 'Happy', sad: 'Sad' },
    },
  ],
};

/** The taxonomy set a file belongs to (by file name, then by short name in the file name). */
export function taxonomySetFor(path: string, taxonomy: MoodTaxonomy = MOOD_TAXONOMY): TaxonomySet | undefined {
  const base = path.split(/[\\/]/).pop()!.toLowerCase();
  return taxonomy.sets.find((s) => s.file.toLowerCase() === base) ?? taxonomy.sets.find((s) => base.includes(s.name.toLowerCase()));
}

/**
 * The label map for the given raw labels: overrides first, then the file's own set, then any
 * set's entry for that label (case-insensitive), then a label that names a mood itself
 * ("happy" → Happy). Labels with no mood (null, or unknown) are absent from the map, so
 * mapLabels counts them as unmapped.
 */
export function taxonomyLabelMap(
  labels: Iterable<string>, options: { set?: TaxonomySet; overrides?: LabelMap; taxonomy?: MoodTaxonomy } = {},
): Map<string, string> {
  const taxonomy = options.taxonomy ?? MOOD_TAXONOMY;
  const lookup = (set: TaxonomySet, label: string): string | null | undefined => {
    const low = label.toLowerCase();
    for (const [k, v] of Object.entries(set.labels)) if (k.toLowerCase() === low) return v;
    return undefined;
  };
  const out = new Map<string, string>();
  for (const raw of new Set(labels)) {
    const label = raw.trim();
    if (!label) continue;
    let mood: string | null | undefined = options.overrides?.get(label);
    if (mood === undefined && options.set) mood = lookup(options.set, label);
    for (const s of taxonomy.sets) { if (mood !== undefined) break; mood = lookup(s, label); }
    if (mood === undefined) mood = taxonomy.moods.find((m) => m.toLowerCase() === label.toLowerCase());
    if (mood) out.set(label, mood);
  }
  return out;
}

/** The taxonomy as text lines: one per set label. */
export function formatTaxonomy(taxonomy: MoodTaxonomy = MOOD_TAXONOMY): string[] {
  const out = [`moods: ${taxonomy.moods.join(', ')} (trained by default: ${taxonomy.defaultMoods.join(', ')})`];
  for (const s of taxonomy.sets) {
    out.push(`${s.name} (${s.file}, ${s.source}):`);
    for (const [label, mood] of Object.entries(s.labels)) out.push(`  ${label.padEnd(12)} → ${mood ?? '(kept out: no counterpart)'}`);
  }
  return out;
}
