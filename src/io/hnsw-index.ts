/**
 * HNSW nearest-neighbour index (usearch) over the recommender's scaled feature space, persisted
 * beside the catalogue:
 *   <catalogue>.hnsw.usearch   the index
 *   <catalogue>.hnsw.json      {format, fingerprint, rows, dims, params, buildMs}
 * The fingerprint is a SHA-256 of the scaled vectors and the index parameters, so any change to
 * the catalogue (rows, values, order) or to the parameters triggers a rebuild on open.
 *
 * Defaults (M = 12, efConstruction = 128, efSearch = 128, vectors stored as float16 inside the
 * index) give recall@10 ≈ 0.998 against the exact scan on 1M random 12-dim vectors with p99 under
 * 0.4 ms, in 212 MB where M = 16 with float32 vectors took 302 MB for recall 0.9935
 * (bench/recommend.bench.ts). The index only proposes the neighbours: their distances are
 * recomputed from the float32 features, and they are returned in that exact order.
 */
import { readFile, rename, stat, unlink } from 'node:fs/promises';
import usearch from 'usearch';
import type { NearestNeighbourIndex, Neighbours } from '../core/recommend/index.ts';
import { tempSibling, writeFileAtomic } from './atomic.ts';
import { vectorFingerprint } from './vector-fingerprint.ts';

const { Index, MetricKind, ScalarKind } = usearch;

export const HNSW_FORMAT = 'moodscape-hnsw/2';

export interface HnswOptions {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
  /** How the index stores its own copy of the vectors. */
  readonly quantization: 'f32' | 'f16';
  /** Threads for building (0 = all cores). Queries always use one thread. */
  readonly threads: number;
}

export const HNSW_DEFAULTS: HnswOptions = { connectivity: 12, expansionAdd: 128, expansionSearch: 128, quantization: 'f16', threads: 0 };

export interface HnswIndex extends NearestNeighbourIndex {
  readonly kind: 'hnsw';
  save(path: string): void;
}

function makeIndex(dims: number, o: HnswOptions) {
  return new Index({
    dimensions: dims, metric: MetricKind.L2sq, quantization: o.quantization === 'f16' ? ScalarKind.F16 : ScalarKind.F32,
    connectivity: o.connectivity, expansion_add: o.expansionAdd, expansion_search: o.expansionSearch, multi: false,
  });
}

function wrap(idx: InstanceType<typeof Index>, scaled: Float32Array, dims: number): HnswIndex {
  const rows = scaled.length / dims;
  return {
    kind: 'hnsw',
    size: rows,
    search(query: Float32Array, k: number): Neighbours {
      const m = idx.search(query, Math.max(1, Math.min(k, rows)), 1);
      const found: { row: number; d2: number }[] = [];
      for (let i = 0; i < m.keys.length; i++) {
        const key = m.keys[i];
        if (key >= BigInt(rows)) continue; // padding when fewer results than k
        const row = Number(key);
        // The exact distance from the float32 features (the index's own copy may be float16).
        let d2 = 0;
        for (let j = 0, o = row * dims; j < dims; j++) { const t = scaled[o + j] - query[j]; d2 += t * t; }
        found.push({ row, d2 });
      }
      found.sort((a, b) => a.d2 - b.d2 || a.row - b.row);
      return { rows: Int32Array.from(found, (f) => f.row), distances: Float32Array.from(found, (f) => Math.sqrt(f.d2)) };
    },
    save: (path) => idx.save(path),
  };
}

/** Builds an in-memory HNSW index whose keys are row numbers. */
export function buildHnswIndex(scaled: Float32Array, dims: number, options: Partial<HnswOptions> = {}): HnswIndex {
  const o = { ...HNSW_DEFAULTS, ...options };
  const rows = scaled.length / dims;
  const idx = makeIndex(dims, o);
  if (rows > 0) {
    const keys = new BigUint64Array(rows);
    for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
    idx.add(keys, scaled, o.threads);
  }
  return wrap(idx, scaled, dims);
}

/** SHA-256 over the vectors, their shape and the index parameters. */
export function indexFingerprint(scaled: Float32Array, dims: number, options: Partial<HnswOptions> = {}): string {
  const o = { ...HNSW_DEFAULTS, ...options };
  return vectorFingerprint(`${HNSW_FORMAT}|${dims}|${scaled.length / dims}|${o.connectivity}|${o.expansionAdd}|${o.quantization}|`, scaled);
}

export interface OpenedIndex {
  readonly index: HnswIndex;
  /** True when the index was (re)built rather than loaded. */
  readonly rebuilt: boolean;
  readonly reason: string;
  readonly path: string;
  readonly buildMs?: number;
}

export function indexPaths(catalogPath: string): { index: string; meta: string } {
  return { index: `${catalogPath}.hnsw.usearch`, meta: `${catalogPath}.hnsw.json` };
}

/**
 * Loads the index persisted beside `catalogPath` when its fingerprint matches the vectors, else
 * builds it and saves it there (index first, then the metadata, each by temp file + rename).
 */
export async function openHnswIndex(catalogPath: string, scaled: Float32Array, dims: number, options: Partial<HnswOptions> = {}): Promise<OpenedIndex> {
  const o = { ...HNSW_DEFAULTS, ...options };
  const paths = indexPaths(catalogPath);
  const rows = scaled.length / dims;
  const fp = indexFingerprint(scaled, dims, o);
  let reason = 'no index beside the catalogue';
  try {
    const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as { format?: string; fingerprint?: string };
    await stat(paths.index);
    if (meta.format !== HNSW_FORMAT) reason = `index format ${meta.format} is not ${HNSW_FORMAT}`;
    else if (meta.fingerprint !== fp) reason = 'the catalogue changed since the index was built';
    else {
      const idx = makeIndex(dims, o);
      idx.load(paths.index);
      if (idx.size() === rows) return { index: wrap(idx, scaled, dims), rebuilt: false, reason: 'fingerprint matches', path: paths.index };
      reason = `index holds ${idx.size()} vectors, catalogue has ${rows}`;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') reason = `index unreadable (${(e as Error).message})`;
  }
  const t0 = performance.now();
  const index = buildHnswIndex(scaled, dims, o);
  const buildMs = performance.now() - t0;
  const tmp = tempSibling(paths.index);
  try {
    index.save(tmp);
    await rename(tmp, paths.index);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await writeFileAtomic(paths.meta, JSON.stringify({
    format: HNSW_FORMAT, fingerprint: fp, rows, dims,
    params: { connectivity: o.connectivity, expansionAdd: o.expansionAdd, expansionSearch: o.expansionSearch, quantization: o.quantization },
    buildMs: Math.round(buildMs), built: new Date().toISOString(),
  }, null, 1) + '\n');
  return { index, rebuilt: true, reason, path: paths.index, buildMs };
}
