/**
 * Principal component analysis by eigen-decomposition of the d × d sample covariance (cyclic
 * Jacobi rotations; exact to rounding and fast for the d ≤ 20 audio features used here).
 *
 * - Variances use n − 1 like sklearn's `explained_variance_`; ratios are of the total variance
 *   over all d directions, so they match sklearn's `explained_variance_ratio_` for any
 *   nComponents.
 * - Components are sorted by decreasing variance.
 * - Sign convention: each component is flipped so that its loading with the largest absolute
 *   value is positive (the first such loading on exact ties). This is sklearn ≥ 1.5's
 *   `svd_flip(..., u_based_decision=False)`; sklearn ≤ 1.4 (e.g. Debian's 1.2.1) decided signs
 *   from the sample scores instead, so its component signs may differ — the subspace, variances
 *   and |loadings| agree.
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState } from '../classify/model-state.ts';
import { assertFiniteMatrix, integer, resolveOptions } from '../common/options.ts';

export interface PCAOptions {
  /** Components kept by transform (≤ number of features). */
  nComponents: number;
}

export const PCA_DEFAULTS: PCAOptions = { nComponents: 2 };

export function resolvePCAOptions(partial?: Partial<PCAOptions>): PCAOptions {
  return resolveOptions(PCA_DEFAULTS, partial, { nComponents: integer(1) }, 'PCA');
}

export class PCA {
  readonly options: Partial<PCAOptions>;
  constructor(options: Partial<PCAOptions> = {}) {
    this.options = { ...options };
  }

  fit(X: Matrix): FittedPCA {
    const o = resolvePCAOptions(this.options);
    const n = X.rows, d = X.cols, x = X.data;
    if (o.nComponents > d) throw new RangeError(`PCA: option "nComponents" must be ≤ the number of features (${d}), got ${o.nComponents}`);
    if (n < 2) throw new RangeError(`PCA: needs at least 2 rows, got ${n}`);
    assertFiniteMatrix(X, 'PCA');
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    const cov = new Float64Array(d * d);
    const diff = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const o2 = i * d;
      for (let j = 0; j < d; j++) diff[j] = x[o2 + j] - mean[j];
      for (let a = 0; a < d; a++) {
        const da = diff[a];
        for (let b = 0; b <= a; b++) cov[a * d + b] += da * diff[b];
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = cov[a * d + b] / (n - 1);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
    const { values, vectors } = symmetricEigen(cov, d);
    const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
    const k = o.nComponents;
    const components = matrix(k, d);
    const explainedVariance = new Float64Array(k);
    const explainedVarianceRatio = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      explainedVariance[c] = Math.max(values[c], 0);
      explainedVarianceRatio[c] = total > 0 ? explainedVariance[c] / total : 0;
      components.data.set(vectors.subarray(c * d, c * d + d), c * d);
    }
    return new FittedPCA(o, d, mean, components, explainedVariance, explainedVarianceRatio);
  }
}

export class FittedPCA {
  constructor(
    readonly options: PCAOptions,
    readonly nFeatures: number,
    readonly mean: Float64Array,
    /** nComponents × nFeatures, orthonormal rows, by decreasing variance. */
    readonly components: Matrix,
    /** Variance along each component (n − 1 denominator). */
    readonly explainedVariance: Float64Array,
    /** Share of the total variance along each component. */
    readonly explainedVarianceRatio: Float64Array,
  ) {}

  /** n × nComponents scores. */
  transform(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'PCA');
    const n = X.rows, d = this.nFeatures, k = this.components.rows, x = X.data, w = this.components.data;
    const out = matrix(n, k);
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[xo + j] - this.mean[j]) * w[c * d + j];
        out.data[i * k + c] = s;
      }
    }
    return out;
  }

  /** Back to feature space (exact when nComponents = nFeatures). */
  inverseTransform(Z: Matrix): Matrix {
    const k = this.components.rows, d = this.nFeatures, w = this.components.data;
    assertWidth(Z, k, 'PCA inverseTransform');
    const out = matrix(Z.rows, d);
    for (let i = 0; i < Z.rows; i++) {
      for (let j = 0; j < d; j++) {
        let s = this.mean[j];
        for (let c = 0; c < k; c++) s += Z.data[i * k + c] * w[c * d + j];
        out.data[i * d + j] = s;
      }
    }
    return out;
  }

  toState(): ModelState {
    return {
      kind: 'pca',
      formatVersion: 1,
      config: { options: { ...this.options }, nFeatures: this.nFeatures },
      arrays: {
        mean: Float64Array.from(this.mean),
        components: Float64Array.from(this.components.data),
        explainedVariance: Float64Array.from(this.explainedVariance),
        explainedVarianceRatio: Float64Array.from(this.explainedVarianceRatio),
      },
    };
  }

  static fromState(s: ModelState): FittedPCA {
    const r = readState(s, 'pca', 1);
    const o = r.options(resolvePCAOptions);
    const d = r.int('nFeatures', 1);
    const mean = Float64Array.from(r.array('mean', 'float64', d));
    const comp = Float64Array.from(r.array('components', 'float64', o.nComponents * d));
    const ev = Float64Array.from(r.array('explainedVariance', 'float64', o.nComponents));
    const evr = Float64Array.from(r.array('explainedVarianceRatio', 'float64', o.nComponents));
    return new FittedPCA(o, d, mean, matrix(o.nComponents, d, comp), ev, evr);
  }
}

/**
 * Eigen-decomposition of a symmetric d × d matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues in decreasing order and the eigenvectors as rows of `vectors` (d × d),
 * each signed so that its largest-|·| entry is positive.
 */
export function symmetricEigen(S: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(S);
  const v = new Float64Array(d * d); // columns are eigenvectors during the sweeps
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] * a[p * d + q];
    if (off <= (1e-30 * scale * scale) || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const app = a[p * d + p], aqq = a[q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < d; r++) {
          const arp = a[r * d + p], arq = a[r * d + q];
          a[r * d + p] = c * arp - s * arq;
          a[r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const apr = a[p * d + r], aqr = a[q * d + r];
          a[p * d + r] = c * apr - s * aqr;
          a[q * d + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < d; r++) {
          const vrp = v[r * d + p], vrq = v[r * d + q];
          v[r * d + p] = c * vrp - s * vrq;
          v[r * d + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, dst) => {
    values[dst] = a[src * d + src];
    let big = 0;
    for (let r = 0; r < d; r++) if (Math.abs(v[r * d + src]) > Math.abs(v[big * d + src])) big = r;
    const sign = v[big * d + src] < 0 ? -1 : 1;
    for (let r = 0; r < d; r++) vectors[dst * d + r] = sign * v[r * d + src];
  });
  return { values, vectors };
}
