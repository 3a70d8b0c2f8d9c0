/**
 * Stratified splits of row indices by class label, seeded. Both return index arrays (sorted
 * ascending) to be used with `takeRows`; no data is copied here.
 */
import { createRng, shuffleInPlace } from '../common/random.ts';
import { assertLabels, classCounts } from './metrics.ts';

export interface IndexSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface TrainTestSplitOptions {
  /** Fraction of rows in the test part, in (0, 1). Default 0.2. */
  testSize?: number;
  seed?: number;
}

function maxLabel(y: ArrayLike<number>): number {
  let m = -1;
  for (let i = 0; i < y.length; i++) if (y[i] > m) m = y[i];
  return m;
}

/** Row indices of each class, in row order. */
function indicesByClass(y: ArrayLike<number>, nClasses: number): Int32Array[] {
  const counts = classCounts(y, nClasses);
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) out[y[i]][fill[y[i]]++] = i;
  return out;
}

/**
 * Stratified train/test split (like sklearn `train_test_split(stratify=y)`): the test part has
 * ceil(testSize · n) rows, shared among classes in proportion to their size (largest remainder,
 * ties to the larger class then the lower index); each class's members are shuffled with the seed
 * before its share is taken. Throws when a class has a single member (it cannot be in both parts).
 */
export function stratifiedTrainTestSplit(y: ArrayLike<number>, options: TrainTestSplitOptions = {}): IndexSplit {
  const testSize = options.testSize ?? 0.2;
  const seed = options.seed ?? 0;
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`stratifiedTrainTestSplit: testSize must be in (0, 1), got ${testSize}`);
  const n = y.length;
  const k = maxLabel(y) + 1;
  assertLabels(y, Math.max(k, 1), 'stratifiedTrainTestSplit');
  const byClass = indicesByClass(y, k);
  const nTest = Math.ceil(testSize * n);
  if (nTest >= n) throw new RangeError(`stratifiedTrainTestSplit: testSize ${testSize} leaves no training rows out of ${n}`);
  for (let c = 0; c < k; c++) {
    if (byClass[c].length === 1) throw new RangeError(`stratifiedTrainTestSplit: class ${c} has only 1 member; every class needs at least 2`);
  }
  // Largest-remainder allocation of nTest among classes.
  const share = new Int32Array(k);
  const rem: { c: number; r: number; size: number }[] = [];
  let given = 0;
  for (let c = 0; c < k; c++) {
    const exact = (nTest * byClass[c].length) / n;
    share[c] = Math.floor(exact);
    given += share[c];
    rem.push({ c, r: exact - share[c], size: byClass[c].length });
  }
  rem.sort((a, b) => b.r - a.r || b.size - a.size || a.c - b.c);
  for (let i = 0; given < nTest && i < rem.length; i++) {
    if (rem[i].size === 0) continue;
    share[rem[i].c]++;
    given++;
  }
  const rng = createRng(seed);
  const isTest = new Uint8Array(n);
  for (let c = 0; c < k; c++) {
    const members = shuffleInPlace(byClass[c].slice(), rng);
    for (let i = 0; i < share[c]; i++) isTest[members[i]] = 1;
  }
  return partition(isTest, nTest);
}

function partition(isTest: Uint8Array, nTest: number): IndexSplit {
  const test = new Int32Array(nTest);
  const train = new Int32Array(isTest.length - nTest);
  let a = 0, b = 0;
  for (let i = 0; i < isTest.length; i++) {
    if (isTest[i]) test[b++] = i; else train[a++] = i;
  }
  return { train, test };
}

export interface KFoldOptions {
  /** Number of folds, ≥ 2. Default 5 (sklearn's default). */
  folds?: number;
  seed?: number;
  /** Shuffle fold assignment within each class (sklearn `shuffle=True`). Default true. */
  shuffle?: boolean;
}

/**
 * Stratified k-fold (sklearn `StratifiedKFold`): the labels sorted by class are dealt to folds
 * round-robin, which fixes how many members of each class every fold gets (fold sizes differ by
 * at most one); then, with `shuffle`, which members of a class go to which fold is a seeded
 * shuffle within the class. Every row is in exactly one test fold. Throws when a class present in
 * `y` has fewer members than folds (sklearn only warns; here a fold would miss a class).
 */
export function stratifiedKFold(y: ArrayLike<number>, options: KFoldOptions = {}): IndexSplit[] {
  const folds = options.folds ?? 5;
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? 0;
  const n = y.length;
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`stratifiedKFold: folds must be an integer ≥ 2, got ${folds}`);
  if (folds > n) throw new RangeError(`stratifiedKFold: cannot make ${folds} folds from ${n} rows`);
  const k = maxLabel(y) + 1;
  assertLabels(y, Math.max(k, 1), 'stratifiedKFold');
  const byClass = indicesByClass(y, k);
  for (let c = 0; c < k; c++) {
    const m = byClass[c].length;
    if (m > 0 && m < folds) {
      throw new RangeError(`stratifiedKFold: class ${c} has ${m} member${m === 1 ? '' : 's'}, fewer than the ${folds} folds`);
    }
  }
  // allocation[f][c]: members of class c in fold f — counting class c in y_sorted[f::folds].
  const allocation: Int32Array[] = Array.from({ length: folds }, () => new Int32Array(k));
  let pos = 0;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < byClass[c].length; i++, pos++) allocation[pos % folds][c]++;
  }
  const rng = createRng(seed);
  const foldOf = new Int32Array(n);
  for (let c = 0; c < k; c++) {
    const assign = new Int32Array(byClass[c].length);
    let j = 0;
    for (let f = 0; f < folds; f++) for (let t = 0; t < allocation[f][c]; t++) assign[j++] = f;
    if (shuffle) shuffleInPlace(assign, rng);
    for (let i = 0; i < assign.length; i++) foldOf[byClass[c][i]] = assign[i];
  }
  const out: IndexSplit[] = [];
  const isTest = new Uint8Array(n);
  for (let f = 0; f < folds; f++) {
    let nTest = 0;
    for (let i = 0; i < n; i++) { isTest[i] = foldOf[i] === f ? 1 : 0; nTest += isTest[i]; }
    out.push(partition(isTest, nTest));
  }
  return out;
}
