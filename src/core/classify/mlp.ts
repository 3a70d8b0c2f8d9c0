/**
 * The original pipeline's Keras classifier, in plain TypeScript:
 *   Dense 64 ReLU → Dropout 0.2 → Dense 32 ReLU → Dropout 0.2 → Dense nClasses softmax,
 * trained with Adam (Keras' update: lr·√(1−β2ᵗ)/(1−β1ᵗ), ε added to √v, ε = 1e-7) on sparse
 * categorical cross-entropy, mini-batches reshuffled every epoch, Glorot-uniform kernels and zero
 * biases, inverted dropout at training only.
 *
 * Layout and speed: all parameters live in one flat Float64Array (per layer: kernel, then bias),
 * so Adam, best-weight snapshots and serialisation are single loops/copies. Kernels are stored
 * [out][in] row-major (the transpose of Keras' kernel: row j holds unit j's input weights). The
 * three products run on register blocks: the forward pass on 4 rows × 4 units tiles (16 dot
 * products over contiguous memory at once), dW[j][i] += Σ_r δ_rj·a_ri with the deltas of 4 rows ×
 * 4 units held in registers while the inputs stream past, and δprev_ri = Σ_j δ_rj·W[j][i] on
 * 4 rows × 4 inputs tiles. Each sum keeps one fixed order (forward: over inputs from the bias;
 * backward: groups of four rows/units, then the leftovers), so results do not depend on the
 * tiling. All per-batch buffers are allocated once per fit; a training step allocates nothing.
 *
 * Where WebAssembly SIMD is available (feature-tested once; always on Node ≥ 20) training runs on
 * the hand-assembled f64x2 kernels of wasm/kernels.ts instead: the training rows and their epoch
 * order, the batch activations and deltas, the weights (plus each kernel transposed for the
 * forward pass, refreshed after every step), the gradient, Adam's moments and the dropout
 * generator's state all live in one WebAssembly memory, with TypeScript views on it for the rest
 * (softmax, loss, bookkeeping). The kernels — gather, forward, dropout+ReLU (branch-free), bias,
 * weight and input gradients, Adam — vectorise across independent outputs only and round each
 * `*`/`+` as the TypeScript code does, so both paths give bit-identical weights and histories
 * (tested). ≈2.3× less CPU for training at batch 256 and ≈5× for prediction over many rows
 * (forwardAll uses the same forward kernel from 64 rows up). The option kernels: 'ts' forces TypeScript.
 *
 * Loss reduction follows Keras: a batch's loss is Σ_i w_{y_i}·CE_i / batchSize (class weights
 * multiply, the divisor stays the batch size), plus l2·Σ‖kernel‖² when l2 > 0 (Keras
 * `kernel_regularizer=l2(l2)`; biases are not penalised). The reported epoch loss/accuracy are,
 * as in Keras, running means over the epoch's training batches (with dropout active); valLoss and
 * valAccuracy are computed after the epoch in inference mode (no class weights, l2 included).
 *
 * Fitting runs in float64; the fitted weights are rounded to float32 (what `toState` stores), so a
 * model loaded from its state predicts bit-for-bit the same probabilities.
 *
 * One concept per file in mlp/: options.ts (options, defaults, early stopping), layout.ts (the flat
 * parameter vector), dense.ts (the TypeScript kernels), dropout.ts (the dropout stream),
 * forward.ts (inference, TypeScript or WebAssembly), train.ts (MlpClassifier and its training
 * loop), fitted.ts (FittedMlp and its state). This file is their public face.
 */
export { MlpClassifier } from './mlp/train.ts';
export { FittedMlp } from './mlp/fitted.ts';
export { AUTO_EARLY_STOPPING, AUTO_EARLY_STOPPING_MIN_ROWS, MLP_DEFAULTS, resolveEarlyStopping } from './mlp/options.ts';
export type { EarlyStopping, MlpOptions, ResolvedMlpOptions } from './mlp/options.ts';
export { dropoutReluForTest } from './mlp/dropout.ts';
export type { EpochRecord, FitOptions } from './training-history.ts';
