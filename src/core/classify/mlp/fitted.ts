/** A fitted MLP: prediction and its saved state. */
import { argmaxRows, assertWidth, type Matrix } from '../../common/matrix.ts';
import { resolveOptions } from '../../common/options.ts';
import { savedOptions } from '../../common/kernels.ts';
import { readState, type ModelState } from '../model-state.ts';
import { readHistory, type EpochRecord } from '../training-history.ts';
import { forwardAll, WASM_MIN_PREDICT_ROWS, wasmForward, type WasmForward } from './forward.ts';
import { layout, roundToF32, type Layout } from './layout.ts';
import { MLP_CHECKS, MLP_DEFAULTS, type MlpOptions } from './options.ts';

/** A fitted MLP. Weights are float32 values (held as float64 for the forward pass). */
export class FittedMlp {
  readonly nFeatures: number;
  readonly nClasses: number;
  constructor(
    readonly options: MlpOptions,
    /** [nFeatures, ...hiddenSizes, nClasses]. */
    readonly layerSizes: readonly number[],
    private readonly theta: Float64Array,
    readonly history: readonly EpochRecord[],
    /** Epoch whose weights the model holds (the last one unless early stopping restored a better one). */
    readonly bestEpoch: number,
  ) {
    const lay = layout(layerSizes);
    if (theta.length !== lay.total) throw new Error(`mlp: ${theta.length} parameters do not fit layer sizes ${layerSizes.join('-')}`);
    this.lay = lay;
    this.nFeatures = layerSizes[0];
    this.nClasses = layerSizes[layerSizes.length - 1];
  }
  private readonly lay: Layout;
  /** The WebAssembly forward pass over these weights, built on the first large enough prediction. */
  private wasmFwd: WasmForward | null | undefined;
  private wasm(rows: number): WasmForward | null | undefined {
    if (this.wasmFwd === undefined && this.options.kernels === 'wasm' && rows >= WASM_MIN_PREDICT_ROWS) this.wasmFwd = wasmForward(this.theta, this.lay);
    return this.wasmFwd;
  }

  /** Kernel of layer l as a new Float32Array, [out][in] row-major (row j = unit j's input weights; Keras' kernel transposed). */
  kernel(l: number): Float32Array {
    const s = this.layerSizes;
    return Float32Array.from(this.theta.subarray(this.lay.kOff[l], this.lay.kOff[l] + s[l] * s[l + 1]));
  }

  bias(l: number): Float32Array {
    return Float32Array.from(this.theta.subarray(this.lay.bOff[l], this.lay.bOff[l] + this.layerSizes[l + 1]));
  }

  /** Pre-softmax scores (n × nClasses), e.g. for temperature scaling. */
  predictLogits(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MlpClassifier');
    return forwardAll(this.theta, this.lay, X, false, this.options.kernels, this.wasm(X.rows));
  }

  predictProba(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MlpClassifier');
    return forwardAll(this.theta, this.lay, X, true, this.options.kernels, this.wasm(X.rows));
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(this.predictLogits(X));
  }

  toState(): ModelState {
    const arrays: Record<string, Float32Array> = {};
    for (let l = 0; l + 1 < this.layerSizes.length; l++) {
      arrays[`kernel${l}`] = this.kernel(l);
      arrays[`bias${l}`] = this.bias(l);
    }
    return {
      kind: 'mlp',
      formatVersion: 1,
      config: {
        options: { ...savedOptions(this.options), hiddenSizes: [...this.options.hiddenSizes] },
        layerSizes: [...this.layerSizes],
        kernelLayout: 'out-in',
        history: this.history.map((h) => ({ ...h })),
        bestEpoch: this.bestEpoch,
      },
      arrays,
    };
  }

  static fromState(s: ModelState): FittedMlp {
    const r = readState(s, 'mlp', 1);
    const options = r.options<MlpOptions>((p) => resolveOptions(MLP_DEFAULTS, p, MLP_CHECKS, 'mlp state'));
    const sizes = r.ints('layerSizes', 1, 2);
    if (r.has('kernelLayout') && r.string('kernelLayout') !== 'out-in') r.fail('kernelLayout', `must be "out-in", got ${JSON.stringify(r.raw('kernelLayout'))}`);
    const lay = layout(sizes);
    const theta = new Float64Array(lay.total);
    for (let l = 0; l + 1 < sizes.length; l++) {
      theta.set(r.array(`kernel${l}`, 'float32', sizes[l] * sizes[l + 1]), lay.kOff[l]);
      theta.set(r.array(`bias${l}`, 'float32', sizes[l + 1]), lay.bOff[l]);
    }
    const history = readHistory(r);
    const bestEpoch = r.int('bestEpoch', 0, history.length);
    return new FittedMlp(options, sizes, roundToF32(theta), history, bestEpoch);
  }
}

