/**
 * Running an exported mood model with onnxruntime-node. The runtime is an optional dependency:
 * it is imported lazily, so moodscape loads and works (TypeScript forward pass) without it, and
 * `onnxRuntimeAvailable()` says whether it can be used.
 */
import type * as Ort from 'onnxruntime-node';
import { matrix, type Matrix } from '../../core/common/matrix.ts';
import { ONNX_INPUT, ONNX_OUTPUT } from './export.ts';

type OrtModule = typeof Ort;

let ortPromise: Promise<OrtModule | null> | undefined;

/** onnxruntime-node, or null when it is not installed (or its native library does not load). */
export function loadOnnxRuntime(): Promise<OrtModule | null> {
  ortPromise ??= import('onnxruntime-node').then(
    (m) => ((m as unknown as { default?: OrtModule }).default ?? m) as OrtModule,
    () => null,
  );
  return ortPromise;
}

export async function onnxRuntimeAvailable(): Promise<boolean> {
  return (await loadOnnxRuntime()) !== null;
}

export class OnnxRuntimeMissingError extends Error {
  constructor() {
    super('onnxruntime-node is not installed (install it with ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node)');
  }
}

export interface OnnxSessionOptions {
  /** Threads inside one operator; default: onnxruntime's (all cores). */
  intraOpThreads?: number;
  /** Rows per run() call, bounding the float32 copies; default 262,144. */
  chunkRows?: number;
}

/** A loaded ONNX mood model: probabilities for raw feature rows. */
export interface OnnxPredictor {
  readonly inputWidth: number;
  readonly nClasses: number;
  predictProba(X: Matrix): Promise<Matrix>;
  release(): Promise<void>;
}

export async function createOnnxPredictor(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxPredictor> {
  const ort = await loadOnnxRuntime();
  if (!ort) throw new OnnxRuntimeMissingError();
  const sessionOptions: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpThreads;
  const session = typeof model === 'string'
    ? await ort.InferenceSession.create(model, sessionOptions)
    : await ort.InferenceSession.create(model, sessionOptions);
  const inMeta = session.inputMetadata.find((m) => m.name === ONNX_INPUT);
  const outMeta = session.outputMetadata.find((m) => m.name === ONNX_OUTPUT);
  if (!inMeta?.isTensor || !outMeta?.isTensor) {
    await session.release();
    throw new Error(`not a moodscape ONNX model: expected a tensor input "${ONNX_INPUT}" and output "${ONNX_OUTPUT}"`);
  }
  const inputWidth = Number(inMeta.shape[1]);
  const nClasses = Number(outMeta.shape[1]);
  const chunk = Math.max(1, options.chunkRows ?? 262_144);
  return {
    inputWidth,
    nClasses,
    async predictProba(X: Matrix): Promise<Matrix> {
      if (X.cols !== inputWidth) throw new RangeError(`ONNX model reads ${inputWidth} features but got ${X.cols}`);
      const out = matrix(X.rows, nClasses);
      const d = X.cols;
      for (let start = 0; start < X.rows; start += chunk) {
        const rows = Math.min(chunk, X.rows - start);
        const input = Float32Array.from(X.data.subarray(start * d, (start + rows) * d));
        const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', input, [rows, d]) });
        const p = result[ONNX_OUTPUT];
        out.data.set(p.data as Float32Array, start * nClasses);
        p.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}

/** Probabilities of an ONNX mood model (file path or bytes) for raw feature rows X. */
export async function predictProbaOnnx(model: string | Uint8Array, X: Matrix, options: OnnxSessionOptions = {}): Promise<Matrix> {
  const p = await createOnnxPredictor(model, options);
  try {
    return await p.predictProba(X);
  } finally {
    await p.release();
  }
}
