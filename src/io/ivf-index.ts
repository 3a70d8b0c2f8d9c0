/**
 * The IVF index (core/recommend/ivf.ts) persisted beside the catalogue in one file,
 * `<catalogue>.ivf`: a JSON header line {format, fingerprint, rows, dims, options, arrays}, then
 * the arrays' bytes in that order (little-endian). The fingerprint covers the vectors and the
 * build options, so a changed catalogue or option rebuilds the index on open. Written to a temp
 * file and renamed.
 */
import { readFile } from 'node:fs/promises';
import { buildIvfIndex, IvfIndex, resolveIvfOptions, type IvfOptions } from '../core/recommend/ivf.ts';
import type { NumericArray } from '../core/classify/model-state.ts';
import { writeFileAtomic } from './atomic.ts';
import { vectorFingerprint } from './vector-fingerprint.ts';

export const IVF_FORMAT = 'moodscape-ivf/1';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Header {
  format: string;
  fingerprint: string;
  rows: number;
  dims: number;
  options: IvfOptions;
  arrays: { name: string; type: 'f32' | 'i32'; length: number }[];
  buildMs?: number;
}

export function ivfPath(catalogPath: string): string {
  return `${catalogPath}.ivf`;
}

export function ivfFingerprint(scaled: Float32Array, dims: number, o: IvfOptions): string {
  return vectorFingerprint(`${IVF_FORMAT}|${dims}|${scaled.length / dims}|${o.cells}|${o.samplePerCell}|${o.maxIter}|${o.seed}|`, scaled);
}

export interface OpenedIvfIndex {
  readonly index: IvfIndex;
  /** True when the index was (re)built rather than loaded. */
  readonly rebuilt: boolean;
  readonly reason: string;
  readonly path: string;
  readonly buildMs?: number;
}

/** Loads the index beside `catalogPath` when its fingerprint matches the vectors, else builds and saves it. */
export async function openIvfIndex(catalogPath: string, scaled: Float32Array, dims: number, options: Partial<IvfOptions> = {}): Promise<OpenedIvfIndex> {
  if (!LITTLE_ENDIAN) throw new Error('the IVF index file is little-endian; this machine is not');
  const o = resolveIvfOptions(options);
  const path = ivfPath(catalogPath);
  const fp = ivfFingerprint(scaled, dims, o);
  let reason = 'no index beside the catalogue';
  try {
    const { header, arrays } = await readIvfFile(path);
    if (header.format !== IVF_FORMAT) reason = `index format ${header.format} is not ${IVF_FORMAT}`;
    else if (header.fingerprint !== fp) reason = 'the catalogue or the index options changed since the index was built';
    else {
      const state = { kind: 'ivf-index', formatVersion: 1, config: { options: header.options, dims: header.dims }, arrays };
      return { index: IvfIndex.fromState(state, scaled), rebuilt: false, reason: 'fingerprint matches', path };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') reason = `index unreadable (${(e as Error).message})`;
  }
  const t0 = performance.now();
  const index = buildIvfIndex(scaled, dims, o);
  const buildMs = performance.now() - t0;
  await writeFileAtomic(path, encode(index, fp, Math.round(buildMs)));
  return { index, rebuilt: true, reason, path, buildMs };
}

function encode(index: IvfIndex, fingerprint: string, buildMs: number): Uint8Array {
  const state = index.toState();
  const arrays = Object.entries(state.arrays) as [string, NumericArray][];
  const header: Header = {
    format: IVF_FORMAT, fingerprint, rows: index.size, dims: index.dims, options: index.options, buildMs,
    arrays: arrays.map(([name, a]) => ({ name, type: a instanceof Int32Array ? 'i32' : 'f32', length: a.length })),
  };
  const head = Buffer.from(JSON.stringify(header) + '\n', 'utf8');
  const parts: Uint8Array[] = [head, ...arrays.map(([, a]) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
  return Buffer.concat(parts);
}

async function readIvfFile(path: string): Promise<{ header: Header; arrays: Record<string, NumericArray> }> {
  const bytes = await readFile(path);
  const nl = bytes.indexOf(10);
  if (nl < 0) throw new Error('no header line');
  const header = JSON.parse(bytes.toString('utf8', 0, nl)) as Header;
  const arrays: Record<string, NumericArray> = {};
  if (header.format !== IVF_FORMAT) return { header, arrays };
  let at = nl + 1;
  for (const a of header.arrays) {
    const byteLength = a.length * 4;
    if (at + byteLength > bytes.length) throw new Error(`array ${a.name} runs past the end of the file`);
    // Copied out: the arrays' offsets in the file need not be 4-byte aligned.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(at, at + byteLength));
    arrays[a.name] = a.type === 'i32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    at += byteLength;
  }
  return { header, arrays };
}
