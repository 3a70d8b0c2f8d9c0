/**
 * A small axis-aligned classification tree (CART with Gini impurity), meant for one job: telling
 * whether labels are simple threshold rules of the features. A depth-2 tree that reproduces the
 * labels almost perfectly means the labels were made from the features (K-Means ids, hand-set
 * cut-offs), so a classifier's accuracy on them measures agreement with that labeller, not mood.
 *
 * Splits are chosen as sklearn's DecisionTreeClassifier does (best Gini decrease over every
 * feature and every midpoint between consecutive distinct values); ties keep the first feature.
 */
import type { Matrix } from '../common/matrix.ts';
import { stratifiedKFold } from '../evaluate/split.ts';

export interface TreeNode {
  /** Leaf: the majority class. Inner node: feature/threshold, left = x[feature] ≤ threshold. */
  readonly leaf: boolean;
  readonly klass: number;
  readonly feature?: number;
  readonly threshold?: number;
  readonly left?: TreeNode;
  readonly right?: TreeNode;
}

export interface DecisionTreeOptions {
  maxDepth: number;
  /** Fewest rows a node needs to be split. Default 2. */
  minSamplesSplit?: number;
}

export class FittedDecisionTree {
  constructor(readonly root: TreeNode, readonly nFeatures: number, readonly nClasses: number) {}

  predict(X: Matrix): Int32Array {
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let node = this.root;
      while (!node.leaf) node = X.data[i * X.cols + node.feature!] <= node.threshold! ? node.left! : node.right!;
      out[i] = node.klass;
    }
    return out;
  }
}

export function fitDecisionTree(X: Matrix, y: Int32Array, nClasses: number, options: DecisionTreeOptions): FittedDecisionTree {
  if (y.length !== X.rows) throw new RangeError(`fitDecisionTree: ${y.length} labels for ${X.rows} rows`);
  if (!(Number.isInteger(options.maxDepth) && options.maxDepth >= 0)) throw new RangeError('fitDecisionTree: maxDepth must be an integer ≥ 0');
  const idx = Int32Array.from({ length: X.rows }, (_, i) => i);
  const root = grow(X, y, nClasses, idx, options.maxDepth, options.minSamplesSplit ?? 2);
  return new FittedDecisionTree(root, X.cols, nClasses);
}

function counts(y: Int32Array, idx: Int32Array, K: number): Float64Array {
  const c = new Float64Array(K);
  for (let i = 0; i < idx.length; i++) c[y[idx[i]]]++;
  return c;
}

function argmax(c: Float64Array): number {
  let b = 0;
  for (let k = 1; k < c.length; k++) if (c[k] > c[b]) b = k;
  return b;
}

function gini(c: Float64Array, n: number): number {
  if (n === 0) return 0;
  let s = 0;
  for (let k = 0; k < c.length; k++) s += c[k] * c[k];
  return 1 - s / (n * n);
}

function grow(X: Matrix, y: Int32Array, K: number, idx: Int32Array, depth: number, minSplit: number): TreeNode {
  const c = counts(y, idx, K);
  const n = idx.length;
  const klass = argmax(c);
  if (depth === 0 || n < minSplit || c[klass] === n) return { leaf: true, klass };
  const parent = gini(c, n);
  let bestGain = 1e-12, bestF = -1, bestT = 0;
  const order = new Int32Array(n);
  const left = new Float64Array(K), right = new Float64Array(K);
  const d = X.cols, x = X.data;
  for (let f = 0; f < d; f++) {
    order.set(idx);
    order.sort((a, b) => x[a * d + f] - x[b * d + f]);
    left.fill(0);
    right.set(c);
    for (let i = 0; i < n - 1; i++) {
      const yi = y[order[i]];
      left[yi]++; right[yi]--;
      const v = x[order[i] * d + f], vNext = x[order[i + 1] * d + f];
      if (v === vNext) continue;
      const nl = i + 1, nr = n - nl;
      const gain = parent - (nl / n) * gini(left, nl) - (nr / n) * gini(right, nr);
      if (gain > bestGain) { bestGain = gain; bestF = f; bestT = v + (vNext - v) / 2; }
    }
  }
  if (bestF < 0) return { leaf: true, klass };
  const l: number[] = [], r: number[] = [];
  for (let i = 0; i < n; i++) (x[idx[i] * d + bestF] <= bestT ? l : r).push(idx[i]);
  return {
    leaf: false,
    klass,
    feature: bestF,
    threshold: bestT,
    left: grow(X, y, K, Int32Array.from(l), depth - 1, minSplit),
    right: grow(X, y, K, Int32Array.from(r), depth - 1, minSplit),
  };
}

/** Mean stratified k-fold accuracy of a depth-limited tree (no scaling needed: splits are per feature). */
export function treeCvAccuracy(X: Matrix, y: Int32Array, nClasses: number, options: { maxDepth: number; folds: number; seed: number }): number {
  const splits = stratifiedKFold(y, { folds: options.folds, seed: options.seed });
  let sum = 0;
  for (const s of splits) {
    const Xtr = { rows: s.train.length, cols: X.cols, data: new Float64Array(s.train.length * X.cols) };
    for (let i = 0; i < s.train.length; i++) Xtr.data.set(X.data.subarray(s.train[i] * X.cols, (s.train[i] + 1) * X.cols), i * X.cols);
    const ytr = Int32Array.from(s.train, (i) => y[i]);
    const tree = fitDecisionTree(Xtr, ytr, nClasses, { maxDepth: options.maxDepth });
    const Xte = { rows: s.test.length, cols: X.cols, data: new Float64Array(s.test.length * X.cols) };
    for (let i = 0; i < s.test.length; i++) Xte.data.set(X.data.subarray(s.test[i] * X.cols, (s.test[i] + 1) * X.cols), i * X.cols);
    const pred = tree.predict(Xte);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[s.test[i]]) ok++;
    sum += ok / pred.length;
  }
  return sum / splits.length;
}
