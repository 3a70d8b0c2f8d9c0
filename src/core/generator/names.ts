/**
 * Word lists and templates for plausible, made-up song titles, artist and album names. Nothing here
 * comes from the real catalogues: the words are generic English (plus a few Spanish words, since
 * latin music is a large share of the fitted catalogue). Every function is a pure function of the
 * Rng it is given, so names are as reproducible as the features.
 */
import type { Rng } from '../common/random.ts';

const ADJECTIVES = [
  'Golden', 'Broken', 'Electric', 'Silent', 'Midnight', 'Endless', 'Wild', 'Blue', 'Neon', 'Lost',
  'Sweet', 'Cold', 'Burning', 'Hollow', 'Velvet', 'Crystal', 'Faded', 'Restless', 'Lonely', 'Bright',
  'Dark', 'Summer', 'Paper', 'Silver', 'Secret', 'Young', 'Little', 'Heavy', 'Gentle', 'Crazy',
  'Perfect', 'Hidden', 'Savage', 'Cosmic', 'Lucky', 'Dangerous', 'Quiet', 'Rising', 'Falling', 'Holy',
  'Red', 'Black', 'White', 'Purple', 'Emerald', 'Northern', 'Southern', 'Last', 'First', 'Wicked',
  'Slow', 'Fast', 'Strange', 'Tender', 'Frozen', 'Shining', 'Ancient', 'Modern', 'Lazy', 'Bitter',
] as const;

const NOUNS = [
  'Heart', 'Night', 'Fire', 'Rain', 'Dream', 'Road', 'River', 'Light', 'Shadow', 'Sky',
  'Ocean', 'City', 'Star', 'Moon', 'Sun', 'Storm', 'Love', 'Memory', 'Ghost', 'Angel',
  'Highway', 'Summer', 'Winter', 'Morning', 'Echo', 'Mirror', 'Garden', 'Thunder', 'Diamond', 'Paradise',
  'Mountain', 'Window', 'Fever', 'Signal', 'Horizon', 'Wave', 'Kingdom', 'Island', 'Desert', 'Flame',
  'Whisper', 'Promise', 'Secret', 'Story', 'Season', 'Home', 'Party', 'Rhythm', 'Melody', 'Groove',
  'Bass', 'Dance', 'Money', 'Crown', 'Hustle', 'Vibe', 'Wonder', 'Gravity', 'Satellite', 'Avenue',
  'Corazón', 'Noche', 'Fuego', 'Luna', 'Cielo', 'Amor',
] as const;

const PLURAL_NOUNS = [
  'Hearts', 'Nights', 'Lights', 'Shadows', 'Stars', 'Wolves', 'Kings', 'Kids', 'Ghosts', 'Angels',
  'Strangers', 'Lovers', 'Dreamers', 'Rebels', 'Machines', 'Tigers', 'Birds', 'Waves', 'Rivers', 'Giants',
  'Saints', 'Sinners', 'Echoes', 'Horses', 'Foxes', 'Owls', 'Satellites', 'Brothers', 'Sisters', 'Daughters',
] as const;

const VERBS = [
  'Hold', 'Take', 'Run', 'Fall', 'Dance', 'Wait', 'Call', 'Chase', 'Leave', 'Stay',
  'Break', 'Burn', 'Shine', 'Move', 'Feel', 'Save', 'Touch', 'Breathe', 'Drive', 'Fly',
  'Let', 'Bring', 'Show', 'Tell', 'Kiss', 'Forget', 'Remember', 'Light', 'Turn', 'Rise',
] as const;

const PRONOUNS = ['Me', 'You', 'Us', 'It', 'Her', 'Him', 'Them'] as const;
const PREPOSITIONS = ['in', 'on', 'under', 'over', 'through', 'into', 'after', 'before', 'beyond', 'across'] as const;

const FIRST_NAMES = [
  'Alex', 'Maya', 'Jordan', 'Nina', 'Leo', 'Ava', 'Marcus', 'Sofia', 'Elijah', 'Luna',
  'Kai', 'Zoe', 'Mateo', 'Chloe', 'Isaac', 'Ruby', 'Oscar', 'Iris', 'Jonah', 'Lila',
  'Theo', 'Nora', 'Felix', 'Ella', 'Hugo', 'Mila', 'Dante', 'Camila', 'Silas', 'Jade',
  'Andre', 'Valentina', 'Miles', 'Aurora', 'Rafael', 'Esme', 'Tobias', 'Freya', 'Julian', 'Selena',
  'Malik', 'Imani', 'Diego', 'Lucia', 'Kenji', 'Hana', 'Omar', 'Layla', 'Sven', 'Astrid',
] as const;

const LAST_NAMES = [
  'Carter', 'Rivers', 'Stone', 'Vega', 'Hayes', 'Moreno', 'Brooks', 'Lane', 'Cruz', 'Wilde',
  'Monroe', 'Reyes', 'Fox', 'Hart', 'Blake', 'Santos', 'Quinn', 'Wolfe', 'Diaz', 'Grey',
  'Knight', 'Rossi', 'Cole', 'Nakamura', 'Okafor', 'Lindqvist', 'Marsh', 'Bell', 'Ortiz', 'West',
  'Park', 'Silva', 'Young', 'Frost', 'Mendez', 'Sterling', 'Ash', 'North', 'Banks', 'Rhodes',
] as const;

/** Syllables for coined surnames, so that a million-track catalogue's artists rarely share a name. */
const SURNAME_START = [
  'Kal', 'Mor', 'Vel', 'Dar', 'Bren', 'Cor', 'Fal', 'Har', 'Jas', 'Lin', 'Mar', 'Nor', 'Ost', 'Pel', 'Quin',
  'Ros', 'Sal', 'Tor', 'Val', 'Wen', 'Ash', 'Bel', 'Cal', 'Del', 'Est', 'Gal', 'Ivan', 'Kes', 'Lor', 'Mal',
] as const;
const SURNAME_MID = ['', '', 'a', 'e', 'i', 'o', 'an', 'en', 'er', 'ar', 'in', 'or', 'el', 'ov', 'az', 'ing'] as const;
const SURNAME_END = [
  'ton', 'son', 'ley', 'wood', 'field', 'berg', 'ski', 'ez', 'ini', 'ova', 'ard', 'well', 'mont', 'stad', 'ford',
  'ham', 'dale', 'ric', 'ay', 'ero', 'ano', 'ette', 'ow', 'ick', 'urst', 'holm', 'vik', 'ari', 'oux', 'ley',
] as const;

function coinedSurname(rng: Rng): string {
  return `${pick(SURNAME_START, rng)}${pick(SURNAME_MID, rng)}${pick(SURNAME_END, rng)}`;
}

const ALBUM_WORDS = ['Vol. 1', 'Vol. 2', 'Sessions', 'Deluxe', 'Live', 'Remixes', 'EP', 'Anthology', 'Demos', 'B-Sides'] as const;

function pick<T>(list: readonly T[], rng: Rng): T {
  return list[rng.int(list.length)];
}

function maybe(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** A plausible song title. */
export function songTitle(rng: Rng): string {
  let title: string;
  switch (rng.int(10)) {
    case 0: title = `${pick(ADJECTIVES, rng)} ${pick(NOUNS, rng)}`; break;
    case 1: title = `${pick(NOUNS, rng)} of ${pick(NOUNS, rng)}`; break;
    case 2: title = `${pick(VERBS, rng)} ${pick(PRONOUNS, rng)}`; break;
    case 3: title = `The ${pick(ADJECTIVES, rng)} ${pick(NOUNS, rng)}`; break;
    case 4: title = pick(NOUNS, rng); break;
    case 5: title = `${pick(VERBS, rng)} ${pick(PREPOSITIONS, rng)} the ${pick(NOUNS, rng)}`; break;
    case 6: title = `${pick(ADJECTIVES, rng)} ${pick(PLURAL_NOUNS, rng)}`; break;
    case 7: title = `${pick(NOUNS, rng)} ${pick(NOUNS, rng)}`; break;
    case 8: title = `${pick(VERBS, rng)} ${pick(PRONOUNS, rng)} ${pick(['Home', 'Down', 'Up', 'Back', 'Away', 'Tonight', 'Again'] as const, rng)}`; break;
    default: title = `${pick(['My', 'Your', 'Our', 'His', 'Her'] as const, rng)} ${pick(NOUNS, rng)}`; break;
  }
  const r = rng.next();
  if (r < 0.04) title += ' - Remix';
  else if (r < 0.07) title += ' - Live';
  else if (r < 0.09) title += ' - Acoustic';
  else if (r < 0.1) title += ' - Remastered';
  return title;
}

/** A plausible artist name; artists are drawn by index, so pass an Rng seeded from that index. */
export function artistName(rng: Rng): string {
  switch (rng.int(9)) {
    case 0: case 1: return `${pick(FIRST_NAMES, rng)} ${coinedSurname(rng)}`;
    case 2: return `${pick(FIRST_NAMES, rng)} ${pick(LAST_NAMES, rng)}`;
    case 3: return `The ${pick(ADJECTIVES, rng)} ${pick(PLURAL_NOUNS, rng)}`;
    case 4: return `${pick(ADJECTIVES, rng)} ${pick(NOUNS, rng)}`;
    case 5: return `${maybe(rng, 0.5) ? 'DJ' : 'Lil'} ${pick(NOUNS, rng)}`;
    case 6: return `${pick(FIRST_NAMES, rng)} & the ${pick(PLURAL_NOUNS, rng)}`;
    case 7: return `${pick(NOUNS, rng)}${pick(['', 's', 'z', 'x'] as const, rng)}`.toUpperCase();
    default: return `${coinedSurname(rng)} ${pick(['Band', 'Collective', 'Trio', 'Project', 'Orchestra', 'Crew'] as const, rng)}`;
  }
}

/** A plausible album title. */
export function albumName(rng: Rng): string {
  switch (rng.int(6)) {
    case 0: return `${pick(ADJECTIVES, rng)} ${pick(NOUNS, rng)}`;
    case 1: return `${pick(NOUNS, rng)} ${pick(ALBUM_WORDS, rng)}`;
    case 2: return `The ${pick(NOUNS, rng)} ${pick(['Sessions', 'Tapes', 'Years', 'Diaries', 'Chronicles'] as const, rng)}`;
    case 3: return `${pick(ADJECTIVES, rng)} ${pick(PLURAL_NOUNS, rng)}`;
    case 4: return pick(NOUNS, rng);
    default: return `${pick(VERBS, rng)} ${pick(PREPOSITIONS, rng)} the ${pick(NOUNS, rng)}`;
  }
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A 22-character base62 id in the shape of a Spotify track id: 16 random characters followed by a
 * 6-character encoding of `tag`, a 32-bit value the caller makes unique per row (a bijection of the
 * row index), so ids never collide within one catalogue.
 */
export function base62Id(rng: Rng, tag: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += BASE62[rng.int(62)];
  let t = tag >>> 0;
  let tail = '';
  for (let i = 0; i < 6; i++) {
    tail = BASE62[t % 62] + tail;
    t = Math.floor(t / 62);
  }
  return s + tail;
}
