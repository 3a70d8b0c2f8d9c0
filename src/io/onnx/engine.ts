/**
 * Choosing how to compute a mood model's probabilities: the TypeScript forward pass, or the model
 * exported to ONNX and run by onnxruntime-node (≈5× faster on large inputs, float32). `auto` uses
 * onnxruntime from ONNX_AUTO_MIN_ROWS rows on when it is installed and the model can be exported,
 * and TypeScript otherwise; both give the same probabilities within ~1e-6.
 */
import { InputError } from '../../core/common/errors.ts';
import { matrix, type Matrix } from '../../core/common/matrix.ts';
import { createRng } from '../../core/common/random.ts';
import type { FittedMoodClassifier } from '../../core/classify/mood-classifier.ts';
import { moodModelToOnnx, OnnxExportError } from './export.ts';
import { onnxRuntimeAvailable, predictProbaOnnx, type OnnxSessionOptions } from './run.ts';

export type PredictEngine = 'auto' | 'ts' | 'onnx';
export const PREDICT_ENGINES: readonly PredictEngine[] = ['auto', 'ts', 'onnx'];

/** Rows from which `auto` prefers onnxruntime (below it, session start-up outweighs the gain). */
export const ONNX_AUTO_MIN_ROWS = 50_000;

export interface EnginePrediction {
  proba: Matrix;
  engine: 'ts' | 'onnx';
  /** Why `auto` stayed with TypeScript on a large input (runtime missing, model not exportable). */
  note?: string;
}

export function parseEngine(v: string): PredictEngine {
  if ((PREDICT_ENGINES as readonly string[]).includes(v)) return v as PredictEngine;
  throw new InputError(`--engine must be one of ${PREDICT_ENGINES.join(', ')}, got "${v}"`);
}

/** Probabilities of `model` for raw input rows X (its `inputFeatures` order) on the chosen engine. */
export async function predictWithEngine(
  model: FittedMoodClassifier,
  X: Matrix,
  engine: PredictEngine,
  options: OnnxSessionOptions & { minRows?: number } = {},
): Promise<EnginePrediction> {
  if (engine === 'ts') return { proba: model.predictProbaRaw(X), engine: 'ts' };
  if (engine === 'auto' && X.rows < (options.minRows ?? ONNX_AUTO_MIN_ROWS)) return { proba: model.predictProbaRaw(X), engine: 'ts' };
  if (!(await onnxRuntimeAvailable())) {
    if (engine === 'onnx') throw new InputError('--engine onnx needs onnxruntime-node, which is not installed (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node)');
    return { proba: model.predictProbaRaw(X), engine: 'ts', note: 'onnxruntime-node is not installed' };
  }
  let bytes: Uint8Array;
  try {
    bytes = moodModelToOnnx(model);
  } catch (e) {
    if (!(e instanceof OnnxExportError)) throw e;
    if (engine === 'onnx') throw new InputError(`this model cannot run on onnxruntime: ${e.message}`);
    return { proba: model.predictProbaRaw(X), engine: 'ts', note: `model not exportable to ONNX (${e.message})` };
  }
  const proba = await predictProbaOnnx(bytes, X, options);
  // Guard: the first rows must match the TypeScript model (catches a model feature the export
  // does not know about, which would otherwise change results silently).
  const check = Math.min(X.rows, PARITY_CHECK_ROWS);
  const ref = model.predictProbaRaw({ rows: check, cols: X.cols, data: X.data.subarray(0, check * X.cols) });
  let worst = 0;
  for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(ref.data[i] - proba.data[i]));
  if (!(worst <= PARITY_TOLERANCE)) {
    const why = `onnxruntime disagrees with the TypeScript model by ${worst.toExponential(2)} on the first ${check} rows`;
    if (engine === 'onnx') throw new Error(why);
    return { proba: model.predictProbaRaw(X), engine: 'ts', note: why };
  }
  return { proba, engine: 'onnx' };
}

/** Rows re-computed in TypeScript to confirm the ONNX run, and the largest difference accepted. */
const PARITY_CHECK_ROWS = 256;
export const PARITY_TOLERANCE = 1e-5;

/**
 * Largest |Δp| between the exported graph on onnxruntime and the TypeScript model, on `rows`
 * synthetic rows around the training distribution (each input: scaler mean ± up to one scale,
 * seeded), or null when onnxruntime-node is not installed. Catches a model feature the export
 * does not express (it would otherwise change results silently).
 */
export async function onnxExportDiscrepancy(model: FittedMoodClassifier, bytes: Uint8Array, rows = PARITY_CHECK_ROWS): Promise<number | null> {
  if (!(await onnxRuntimeAvailable())) return null;
  const d = model.selection.inputs.length;
  const X = matrix(rows, d);
  const rng = createRng(1);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) X.data[i * d + j] = model.scaler.mean[j] + (2 * rng.next() - 1) * model.scaler.scale[j];
  }
  const a = await predictProbaOnnx(bytes, X), b = model.predictProbaRaw(X);
  let worst = 0;
  for (let i = 0; i < b.data.length; i++) if (Number.isFinite(b.data[i])) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) || 0);
  return worst;
}
