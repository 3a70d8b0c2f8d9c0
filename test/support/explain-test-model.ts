/**
 * Test support: a small softmax-regression mood model (standardised inputs, full-batch gradient
 * descent), deterministic and dependency-free, so explanation tests run on a real trained model
 * whatever classifier modules exist. Not used by the product.
 */
import { matrix, type Matrix } from '../../src/core/common/matrix.ts';
import type { ExplainableModel } from '../../src/core/explain/shapley.ts';

export interface SoftmaxModel extends ExplainableModel {
  weights: Float64Array; // classes × d, on standardised inputs
  history: { epoch: number; loss: number; accuracy: number; valLoss?: number; valAccuracy?: number }[];
  bias: Float64Array;
  mean: Float64Array;
  std: Float64Array;
}

export function trainSoftmax(
  X: Matrix,
  y: ArrayLike<number>,
  classes: readonly string[],
  features: readonly string[],
  epochs = 300,
  lr = 0.5,
  validation?: { X: Matrix; y: ArrayLike<number> },
): SoftmaxModel {
  const n = X.rows, d = X.cols, k = classes.length;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X.data[i * d + j];
    mean[j] = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X.data[i * d + j] - mean[j]) ** 2;
    std[j] = Math.sqrt(v / n) || 1;
  }
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = (X.data[i * d + j] - mean[j]) / std[j];
  const W = new Float64Array(k * d), b = new Float64Array(k);
  const p = new Float64Array(k);
  const history: SoftmaxModel['history'] = [];
  for (let e = 0; e < epochs; e++) {
    const gW = new Float64Array(k * d), gb = new Float64Array(k);
    let loss = 0, ok = 0;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = b[c];
        for (let j = 0; j < d; j++) s += W[c * d + j] * Z[i * d + j];
        p[c] = s;
        if (s > mx) mx = s;
      }
      let tot = 0;
      for (let c = 0; c < k; c++) tot += p[c] = Math.exp(p[c] - mx);
      loss -= Math.log(Math.max(1e-15, p[y[i]] / tot));
      let arg = 0;
      for (let c = 1; c < k; c++) if (p[c] > p[arg]) arg = c;
      if (arg === y[i]) ok++;
      for (let c = 0; c < k; c++) {
        const g = p[c] / tot - (c === y[i] ? 1 : 0);
        gb[c] += g;
        for (let j = 0; j < d; j++) gW[c * d + j] += g * Z[i * d + j];
      }
    }
    for (let q = 0; q < k * d; q++) W[q] -= (lr * gW[q]) / n + lr * 1e-3 * W[q];
    for (let c = 0; c < k; c++) b[c] -= (lr * gb[c]) / n;
    const rec: SoftmaxModel['history'][number] = { epoch: e + 1, loss: loss / n, accuracy: ok / n };
    if (validation) {
      const P = predictProbaRaw(validation.X);
      let vl = 0, vok = 0;
      for (let i = 0; i < P.rows; i++) {
        vl -= Math.log(Math.max(1e-15, P.data[i * k + validation.y[i]]));
        let arg = 0;
        for (let c = 1; c < k; c++) if (P.data[i * k + c] > P.data[i * k + arg]) arg = c;
        if (arg === validation.y[i]) vok++;
      }
      rec.valLoss = vl / P.rows;
      rec.valAccuracy = vok / P.rows;
    }
    history.push(rec);
  }
  function predictProbaRaw(M: Matrix): Matrix {
    const out = matrix(M.rows, k);
    const s = new Float64Array(k);
    for (let i = 0; i < M.rows; i++) {
      let mx = -Infinity;
      for (let c = 0; c < k; c++) {
        let v = b[c];
        for (let j = 0; j < d; j++) v += (W[c * d + j] * (M.data[i * d + j] - mean[j])) / std[j];
        s[c] = v;
        if (v > mx) mx = v;
      }
      let tot = 0;
      for (let c = 0; c < k; c++) tot += s[c] = Math.exp(s[c] - mx);
      for (let c = 0; c < k; c++) out.data[i * k + c] = s[c] / tot;
    }
    return out;
  }
  return { classes, inputFeatures: features, predictProbaRaw, weights: W, bias: b, mean, std, history };
}

/** Minimal RFC 4180 parse (quotes, CRLF) for test fixtures. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
