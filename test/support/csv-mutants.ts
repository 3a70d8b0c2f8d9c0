/**
 * Seeded mutants of real track CSVs for the fuzz suite (test/fuzz-csv.test.ts) and its on-demand
 * bench (bench/fuzz.ts): truncation, byte flips, NUL bytes, invalid UTF-8, huge fields and
 * headers, stray quotes, byte-order marks, mixed line ends, special number spellings, and
 * structural damage (lost header, repeated lines, extra or missing cells).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from './cli.ts';

export const MUTATIONS = [
  'truncate', 'flip-bytes', 'nul', 'invalid-utf8', 'huge-field', 'huge-header', 'quotes',
  'bom', 'line-ends', 'special-number', 'structure',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Mutant {
  index: number;
  kind: Mutation;
  source: string;
  bytes: Buffer;
}

/** The real CSVs mutants start from: the first `lines` lines of each mood-labelled set. */
export function seedCsvs(lines = 80): { source: string; bytes: Buffer }[] {
  const dir = join(DATA, 'mood_labelled');
  return ['data_moods.csv', 'skerjanec_moods_5class.csv', 'bdizon_playlist_moods_angry_happy_sad.csv', 'pranav_playlist_moods_8class.csv'].map((name) => {
    const text = readFileSync(join(dir, name), 'utf8').split('\n').slice(0, lines).join('\n') + '\n';
    return { source: name, bytes: Buffer.from(text, 'utf8') };
  });
}

/** mulberry32: small, seeded, reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL_NUMBERS = [
  'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e309', '-1e309', '1e-400', '0x1F', '0b11', '1_000', '1,5', '"1,5"', '١٢٣', '0.5\u00a0',
  '\u22120.5', '+.5', '.5.', '1e', '1e+', '--1', '+-1', '.', '-', '∞', ' 0.5 ', '5e-324', '9007199254740993', '00000000000000000000001', '1'.repeat(400),
];

export function* mutants(count: number, seed: number, seeds = seedCsvs()): Generator<Mutant> {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  for (let index = 0; index < count; index++) {
    const kind = MUTATIONS[index % MUTATIONS.length];
    const { source, bytes: base } = seeds[int(seeds.length)];
    const b = Buffer.from(base);
    const at = () => int(b.length);
    let out: Buffer;
    switch (kind) {
      case 'truncate':
        out = b.subarray(0, int(b.length));
        break;
      case 'flip-bytes': {
        for (let k = 1 + int(8); k > 0; k--) b[at()] ^= 1 << int(8);
        out = b;
        break;
      }
      case 'nul': {
        for (let k = 1 + int(4); k > 0; k--) b[at()] = 0;
        out = b;
        break;
      }
      case 'invalid-utf8': {
        const bad = pick([[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]);
        const p = at();
        out = Buffer.concat([b.subarray(0, p), Buffer.from(bad), b.subarray(p)]);
        break;
      }
      case 'huge-field': {
        const p = b.indexOf(',', at());
        const size = pick([64 << 10, 1 << 20, 3 << 20]);
        const fill = Buffer.alloc(size, pick(['x', '9', ' ', '"']).charCodeAt(0));
        out = Buffer.concat([b.subarray(0, p < 0 ? 0 : p + 1), fill, b.subarray(p < 0 ? 0 : p + 1)]);
        break;
      }
      case 'huge-header': {
        const nl = b.indexOf('\n');
        const names = r() < 0.25 ? ['x', 'energy', 'id', '', '__proto__', 'constructor'] : ['x', 'energy', 'id', '', 'constructor'];
        const extra = Array.from({ length: pick([100, 4000, 5000, 20_000]) }, (_, i) => (r() < 0.5 ? `c${i}` : pick(names))).join(',');
        out = Buffer.concat([b.subarray(0, nl), Buffer.from(',' + extra), b.subarray(nl)]);
        break;
      }
      case 'quotes': {
        const parts = [b];
        for (let k = 1 + int(3); k > 0; k--) {
          const cur = Buffer.concat(parts.splice(0));
          const p = int(cur.length);
          parts.push(cur.subarray(0, p), Buffer.from(pick(['"', '""', '"x"y', '"\n', '","'])), cur.subarray(p));
        }
        out = Buffer.concat(parts);
        break;
      }
      case 'bom': {
        const bom = pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]]);
        const p = r() < 0.7 ? 0 : at();
        out = Buffer.concat([b.subarray(0, p), Buffer.from(bom), b.subarray(p)]);
        break;
      }
      case 'line-ends': {
        const text = b.toString('latin1').replace(/\n/g, () => pick(['\n', '\r\n', '\r', '\n\n', '\r\r\n']));
        out = Buffer.from(text, 'latin1');
        break;
      }
      case 'special-number': {
        const lines = b.toString('utf8').split('\n');
        for (let k = 1 + int(3); k > 0; k--) {
          const li = 1 + int(Math.max(1, lines.length - 2));
          const cells = lines[li]?.split(',');
          if (!cells) continue;
          const ci = int(cells.length);
          if (/^-?[\d.]+(e-?\d+)?$/.test(cells[ci])) cells[ci] = pick(SPECIAL_NUMBERS);
          lines[li] = cells.join(',');
        }
        out = Buffer.from(lines.join('\n'), 'utf8');
        break;
      }
      case 'structure': {
        const lines = b.toString('utf8').split('\n');
        const op = int(5);
        if (op === 0) lines.shift();
        else if (op === 1) lines.splice(1 + int(lines.length - 1), 0, ...lines.slice(1, 1 + int(10)));
        else if (op === 2) lines[1 + int(lines.length - 2)] += ',extra,cells';
        else if (op === 3) lines[1 + int(lines.length - 2)] = lines[1].split(',').slice(0, 3).join(',');
        else lines.length = int(2);
        out = Buffer.from(lines.join('\n'), 'utf8');
        break;
      }
    }
    yield { index, kind, source, bytes: out };
  }
}
