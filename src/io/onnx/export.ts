/**
 * A trained mood model as one ONNX graph (opset 13):
 *
 *   input float [N, nInputs]  (raw audio features, in the model's `inputFeatures` order)
 *   → engineered features, if the model has any (Gather column slices, Mul/Div/Abs/Add/Log, Concat)
 *   → (x − mean) / scale                                   (the StandardScaler)
 *   → per network: Gemm → Relu … → Gemm                    (logits; kernels stored [out][in], transB = 1)
 *   → Softmax                                              (per network)
 *   → Σ_m w_m·p_m                                          (an ensemble's weighted soft vote)
 *   → Softmax(log(max(p, 1e-15)) / T)                      (temperature scaling, if T ≠ 1)
 *   → output float [N, nClasses] "probabilities"
 *
 * This is what FittedMoodClassifier.predictProbaRaw computes (FittedEnsemble's normalised weights,
 * applyTemperature from probabilities). Logistic regression is one Gemm
 * (the binary model's single row expands to logits [0, w·x + b]).
 *
 * Everything runs in float32 in the runtime; the TypeScript forward pass runs in float64 with the
 * same float32-valued weights, so probabilities agree to ~1e-7.
 */
import { ENGINEERED_BY_NAME } from '../../core/data/features.ts';
import type { FittedClassifier } from '../../core/classify/classifiers.ts';
import { FittedEnsemble } from '../../core/classify/ensemble.ts';
import { FittedLogisticRegression } from '../../core/classify/logreg.ts';
import { FittedMlp } from '../../core/classify/mlp.ts';
import type { FittedMoodClassifier } from '../../core/classify/mood-classifier.ts';
import { DataType, encodeModel, type Model, type Node, type Tensor } from './onnx-proto.ts';

export const ONNX_OPSET = 13;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';

/** One dense layer: out = W·x + b with W stored [out][in] row-major, then ReLU if `relu`. */
export interface DenseLayerSpec {
  readonly nIn: number;
  readonly nOut: number;
  readonly kernel: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
  readonly relu: boolean;
}

/** Everything the exported graph computes, independent of the classes that hold it. */
export interface MoodOnnxSpec {
  readonly inputs: readonly string[];
  readonly engineered: readonly string[];
  /** StandardScaler mean and scale; null for a network that reads already scaled rows. */
  readonly mean: ArrayLike<number> | null;
  readonly scale: ArrayLike<number> | null;
  /** One network per ensemble member (a single model has one). Each ends in logits. */
  readonly members: readonly (readonly DenseLayerSpec[])[];
  /** Soft-vote weight of each member (normalised here); default equal. */
  readonly weights?: readonly number[];
  /** Temperature on the (voted) probabilities: softmax(log p / T); 1 or undefined = none. */
  readonly temperature?: number;
  readonly classes: readonly string[];
}

export class OnnxExportError extends Error {}

/** The layers of one fitted classifier (MLP or logistic regression). */
export function classifierLayers(c: FittedClassifier): DenseLayerSpec[] {
  if (c instanceof FittedMlp) {
    const s = c.layerSizes, L = s.length - 1;
    return Array.from({ length: L }, (_, l) => ({ nIn: s[l], nOut: s[l + 1], kernel: c.kernel(l), bias: c.bias(l), relu: l < L - 1 }));
  }
  if (c instanceof FittedLogisticRegression) {
    const d = c.nFeatures, K = c.nClasses;
    if (K === 2) {
      // Binary: logits [0, w·x + b] — a zero row for class 0.
      const kernel = new Float64Array(2 * d);
      kernel.set(c.coef, d);
      return [{ nIn: d, nOut: 2, kernel, bias: [0, c.intercept[0]], relu: false }];
    }
    return [{ nIn: d, nOut: K, kernel: c.coef, bias: c.intercept, relu: false }];
  }
  if (c instanceof FittedEnsemble) throw new OnnxExportError('a nested ensemble cannot be exported to ONNX');
  throw new OnnxExportError(`ONNX export supports mlp and logreg classifiers, not ${c.toState().kind}`);
}

function positiveTemperature(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new OnnxExportError(`model temperature must be a finite number > 0, got ${String(v)}`);
  return v === 1 ? undefined : v;
}

/**
 * What a fitted mood model computes, read from the model: the scaler, the classifier (or the
 * members and weights of an ensemble) and the model's temperature.
 */
export function onnxSpecOf(model: FittedMoodClassifier): MoodOnnxSpec {
  const c = model.classifier;
  const ens = c instanceof FittedEnsemble ? c : undefined;
  const members = ens ? ens.members.map(classifierLayers) : [classifierLayers(c)];
  return {
    inputs: [...model.selection.inputs],
    engineered: [...model.selection.engineered],
    mean: model.scaler.mean,
    scale: model.scaler.scale,
    members,
    weights: ens ? [...ens.weights] : undefined,
    temperature: positiveTemperature(model.temperature),
    classes: [...model.classes],
  };
}

/** The ONNX graph of a spec (see the file comment). */
export function buildOnnxModel(spec: MoodOnnxSpec): Model {
  const d0 = spec.inputs.length, d = d0 + spec.engineered.length, K = spec.classes.length;
  if ((spec.mean === null) !== (spec.scale === null)) throw new OnnxExportError('scaler needs both mean and scale');
  if (spec.mean && spec.scale && (spec.mean.length !== d || spec.scale.length !== d)) throw new OnnxExportError(`scaler has ${spec.mean.length} columns for ${d} features`);
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const f32 = (name: string, dims: number[], values: ArrayLike<number>): string => {
    inits.push({ name, dims, type: DataType.FLOAT, values });
    return name;
  };
  const node = (opType: string, inputs: string[], output: string, attributes?: Node['attributes']): string => {
    nodes.push({ opType, inputs, outputs: [output], name: `${opType}_${nodes.length}`, attributes });
    return output;
  };

  // Engineered features from column slices of the input.
  let features = ONNX_INPUT;
  if (spec.engineered.length) {
    const index = new Map(spec.inputs.map((f, j) => [f, j]));
    const columns = new Map<string, string>();
    const column = (f: string): string => {
      const j = index.get(f);
      if (j === undefined) throw new OnnxExportError(`engineered feature needs input "${f}", which the model does not read`);
      let out = columns.get(f);
      if (!out) {
        inits.push({ name: `col_${f}_index`, dims: [1], type: DataType.INT64, values: [j] });
        out = node('Gather', [ONNX_INPUT, `col_${f}_index`], `col_${f}`, { axis: { type: 'int', value: 1 } });
        columns.set(f, out);
      }
      return out;
    };
    const parts = [ONNX_INPUT];
    for (const e of spec.engineered) {
      if (!ENGINEERED_BY_NAME.has(e)) throw new OnnxExportError(`unknown engineered feature "${e}"`);
      parts.push(engineeredNode(e, column, node, f32));
    }
    features = node('Concat', parts, 'features', { axis: { type: 'int', value: 1 } });
  }

  // StandardScaler.
  let scaled = features;
  if (spec.mean && spec.scale) {
    const centered = node('Sub', [features, f32('scaler_mean', [d], spec.mean)], 'centered');
    scaled = node('Div', [centered, f32('scaler_scale', [d], spec.scale)], 'scaled');
  }

  // Networks.
  const logitsOf = (layers: readonly DenseLayerSpec[], m: number): string => {
    let x = scaled, width = d;
    layers.forEach((ly, l) => {
      if (ly.nIn !== width) throw new OnnxExportError(`member ${m} layer ${l} reads ${ly.nIn} values, gets ${width}`);
      if (ly.kernel.length !== ly.nIn * ly.nOut || ly.bias.length !== ly.nOut) throw new OnnxExportError(`member ${m} layer ${l} has mis-sized weights`);
      const p = `m${m}_l${l}`;
      x = node('Gemm', [x, f32(`${p}_kernel`, [ly.nOut, ly.nIn], ly.kernel), f32(`${p}_bias`, [ly.nOut], ly.bias)], `${p}_z`, { transB: { type: 'int', value: 1 } });
      if (ly.relu) x = node('Relu', [x], `${p}_a`);
      width = ly.nOut;
    });
    if (width !== K) throw new OnnxExportError(`member ${m} outputs ${width} values for ${K} classes`);
    return x;
  };
  const softmax = (x: string, out: string): string => node('Softmax', [x], out, { axis: { type: 'int', value: 1 } });
  const M = spec.members.length;
  if (M === 0) throw new OnnxExportError('the model has no network');
  const weights = spec.weights ?? spec.members.map(() => 1);
  if (weights.length !== M || !weights.every((w) => Number.isFinite(w) && w > 0)) throw new OnnxExportError('ensemble weights must be one positive number per member');
  const total = weights.reduce((a, b) => a + b, 0);
  const T = positiveTemperature(spec.temperature);
  const votedName = T === undefined ? ONNX_OUTPUT : 'proba_voted';
  if (M === 1) {
    softmax(logitsOf(spec.members[0], 0), votedName);
  } else {
    const parts = spec.members.map((layers, m) => {
      const p = softmax(logitsOf(layers, m), `m${m}_proba`);
      return node('Mul', [p, f32(`m${m}_weight`, [], [weights[m] / total])], `m${m}_proba_weighted`);
    });
    node('Sum', parts, votedName);
  }
  if (T !== undefined) {
    // applyTemperature from probabilities: softmax(log(max(p, 1e-15)) / T).
    const clipped = node('Max', [votedName, f32('proba_floor', [], [1e-15])], 'proba_clipped');
    const logp = node('Log', [clipped], 'log_proba');
    softmax(node('Div', [logp, f32('temperature', [], [T])], 'log_proba_tempered'), ONNX_OUTPUT);
  }

  return {
    opset: ONNX_OPSET,
    producerName: 'moodscape',
    docString: 'moodscape mood model: raw audio features → mood probabilities',
    metadata: {
      'moodscape.inputs': JSON.stringify(spec.inputs),
      'moodscape.engineered': JSON.stringify(spec.engineered),
      'moodscape.classes': JSON.stringify(spec.classes),
    },
    graph: {
      name: 'moodscape_mood_model',
      nodes,
      initializers: inits,
      inputs: [{ name: ONNX_INPUT, elemType: DataType.FLOAT, shape: ['N', d0] }],
      outputs: [{ name: ONNX_OUTPUT, elemType: DataType.FLOAT, shape: ['N', K] }],
    },
  };
}

type NodeFn = (opType: string, inputs: string[], output: string) => string;
type ConstFn = (name: string, dims: number[], values: ArrayLike<number>) => string;

/** The ops of one engineered feature (formulas of features.ts), as an [N, 1] tensor. */
function engineeredNode(name: string, col: (f: string) => string, node: NodeFn, f32: ConstFn): string {
  switch (name) {
    case 'energy_loudness_ratio': {
      const absL = node('Abs', [col('loudness')], 'abs_loudness');
      const den = node('Add', [absL, f32('eps_1e-6', [], [1e-6])], 'abs_loudness_eps');
      return node('Div', [col('energy'), den], name);
    }
    case 'valence_acousticness_interaction':
      return node('Mul', [col('valence'), col('acousticness')], name);
    case 'dance_energy_interaction':
      return node('Mul', [col('danceability'), col('energy')], name);
    case 'tempo_log':
      return node('Log', [node('Add', [col('tempo'), f32('one', [], [1])], 'tempo_plus_1')], name);
    default:
      throw new OnnxExportError(`engineered feature "${name}" has no ONNX form yet`);
  }
}

/**
 * A bare classifier (MLP or logistic regression) as ONNX bytes: rows it was fitted on (already
 * scaled) in, probabilities out — e.g. to predict large batches with onnxruntime.
 */
export function classifierToOnnx(c: FittedClassifier): Uint8Array {
  const layers = classifierLayers(c);
  const inputs = Array.from({ length: c.nFeatures }, (_, j) => `x${j}`);
  const classes = Array.from({ length: c.nClasses }, (_, k) => String(k));
  return encodeModel(buildOnnxModel({ inputs, engineered: [], mean: null, scale: null, members: [layers], classes }));
}

/** The mood model as serialised ONNX bytes. */
export function moodModelToOnnx(model: FittedMoodClassifier): Uint8Array {
  return encodeModel(buildOnnxModel(onnxSpecOf(model)));
}
