/**
 * A model directory: everything needed to tag new tracks, as JSON plus one binary weights file
 * (tfjs-layers' topology + weights split).
 *
 *   model.json   format, formatVersion, generatedBy, createdAt, the pipeline's config and
 *                metrics, and per stage {kind, formatVersion, config, arrays: {name → slice}}
 *   weights.bin  every stage's arrays, concatenated little-endian, 8-byte aligned
 *
 * Written atomically (io/atomic.ts writeDirAtomic): the path links to a complete version, swapped
 * with one rename, so a crash at any instant leaves the old model or the new one at the path.
 */
import { readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/common/errors.ts';
import type { ModelState, NumericArray } from '../core/classify/model-state.ts';
import { resolveDir, writeDirAtomic, type WriteDirOptions } from './atomic.ts';

export const MODEL_FORMAT = 'moodscape-model';
export const MODEL_FORMAT_VERSION = 1;
export const GENERATED_BY = 'moodscape 0.1.0';

type DType = 'float64' | 'float32' | 'int32';

interface ArraySlice {
  dtype: DType;
  offset: number;
  length: number;
}

interface StoredStage {
  kind: string;
  formatVersion: number;
  config: Record<string, unknown>;
  arrays: Record<string, ArraySlice>;
}

export interface ModelDirContents {
  /** Pipeline-level JSON (feature list, classes, names, metrics, fingerprint …). */
  readonly meta: Record<string, unknown>;
  /** Fitted stages by role ("scaler", "classifier", "kmeans" …). */
  readonly stages: Record<string, ModelState>;
  /** The manifest's createdAt; default now. A fixed value makes a retrain byte-identical (the built-in model). */
  readonly createdAt?: string;
}

export interface ModelManifest {
  format: string;
  formatVersion: number;
  generatedBy: string;
  createdAt: string;
  meta: Record<string, unknown>;
  stages: Record<string, StoredStage>;
}

function dtypeOf(a: NumericArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  return 'int32';
}

export async function saveModelDir(dir: string, contents: ModelDirContents, options: WriteDirOptions = {}): Promise<void> {
  const chunks: Buffer[] = [];
  let offset = 0;
  const stages: Record<string, StoredStage> = {};
  for (const [role, state] of Object.entries(contents.stages)) {
    const arrays: Record<string, ArraySlice> = {};
    for (const [name, arr] of Object.entries(state.arrays)) {
      const pad = (8 - (offset % 8)) % 8;
      if (pad) { chunks.push(Buffer.alloc(pad)); offset += pad; }
      const bytes = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
      chunks.push(Buffer.from(bytes)); // copy: the caller's array may be a view into a larger buffer
      arrays[name] = { dtype: dtypeOf(arr), offset, length: arr.length };
      offset += bytes.length;
    }
    stages[role] = { kind: state.kind, formatVersion: state.formatVersion, config: state.config, arrays };
  }
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    generatedBy: GENERATED_BY,
    createdAt: contents.createdAt ?? new Date().toISOString(),
    meta: contents.meta,
    stages,
  };
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, 'weights.bin'), Buffer.concat(chunks));
    await writeFile(join(tmp, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  }, options);
}

/** Reads `at`/model.json; messages name `dir`, the path the user gave. */
async function readManifestAt(dir: string, at: string): Promise<ModelManifest> {
  const file = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(join(at, 'model.json'), 'utf8');
  } catch {
    const exists = await stat(dir).then(() => true, () => false);
    throw new InputError(exists ? `${dir} is not a moodscape model directory (no model.json)` : `model directory ${dir} does not exist`);
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.format !== MODEL_FORMAT) {
    throw new InputError(`${file} is not a moodscape model (format "${String(manifest.format)}")`);
  }
  if (manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new InputError(
      `${file} has model format version ${String(manifest.formatVersion)}, but this moodscape (${GENERATED_BY}) reads only version ${MODEL_FORMAT_VERSION}; retrain the model or use a matching moodscape`,
    );
  }
  return manifest;
}

export async function loadModelDir(dir: string): Promise<ModelDirContents & { manifest: ModelManifest }> {
  // Both files from one resolved version, so a swap during the load cannot mix two models.
  const at = await resolveDir(dir);
  const manifest = await readManifestAt(dir, at);
  const weights = await readFile(join(at, 'weights.bin'));
  // Copy into an 8-byte aligned buffer so typed-array views over it are legal.
  const buf = new ArrayBuffer(weights.length);
  new Uint8Array(buf).set(weights);
  const stages: Record<string, ModelState> = {};
  for (const [role, s] of Object.entries(manifest.stages)) {
    const arrays: Record<string, NumericArray> = {};
    for (const [name, slice] of Object.entries(s.arrays)) {
      const Ctor = slice.dtype === 'float64' ? Float64Array : slice.dtype === 'float32' ? Float32Array : Int32Array;
      const end = slice.offset + slice.length * Ctor.BYTES_PER_ELEMENT;
      if (end > buf.byteLength) throw new InputError(`${join(dir, 'weights.bin')} is truncated (stage ${role}, array ${name})`);
      arrays[name] = new Ctor(buf, slice.offset, slice.length);
    }
    stages[role] = { kind: s.kind, formatVersion: s.formatVersion, config: s.config, arrays };
  }
  return { manifest, meta: manifest.meta, stages };
}
