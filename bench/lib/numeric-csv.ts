/**
 * Plain numeric CSV shared by both sides of the sklearn bench: a header `f0,…,f{d−1}[,y]`, then
 * one row per line. Values are written with 7 significant digits; both Node's Number() and
 * Python's float() parse such text to the same (correctly rounded) double, so both sides hold
 * bit-identical float64 data.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { matrix, type Matrix } from '../../src/core/common/matrix.ts';

export async function writeNumericCsv(path: string, X: Matrix, y?: Int32Array, rows = X.rows): Promise<void> {
  const out = createWriteStream(path);
  const d = X.cols;
  const header = Array.from({ length: d }, (_, j) => `f${j}`);
  if (y) header.push('y');
  out.write(header.join(',') + '\n');
  const CHUNK = 8192;
  for (let start = 0; start < rows; start += CHUNK) {
    let s = '';
    const end = Math.min(rows, start + CHUNK);
    for (let i = start; i < end; i++) {
      for (let j = 0; j < d; j++) {
        if (j > 0) s += ',';
        s += String(Number(X.data[i * d + j].toPrecision(7)));
      }
      if (y) s += ',' + y[i];
      s += '\n';
    }
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** Reads up to `maxRows` rows; a `y` column becomes integer labels. */
export function readNumericCsv(path: string, maxRows = Infinity): { X: Matrix; y?: Int32Array } {
  const text = readFileSync(path, 'latin1');
  let pos = text.indexOf('\n');
  const header = text.slice(0, pos).trim().split(',');
  const hasY = header[header.length - 1] === 'y';
  const d = hasY ? header.length - 1 : header.length;
  let n = 0;
  for (let p = pos + 1; p < text.length && n < maxRows; ) {
    let e = text.indexOf('\n', p);
    if (e < 0) e = text.length;
    if (e > p) n++;
    p = e + 1;
  }
  const X = matrix(n, d);
  const y = hasY ? new Int32Array(n) : undefined;
  pos += 1;
  for (let i = 0; i < n; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (end > pos) {
      const cells = text.slice(pos, end).split(',');
      for (let j = 0; j < d; j++) X.data[i * d + j] = Number(cells[j]);
      if (y) y[i] = Number(cells[d]);
      i++;
    }
    pos = end + 1;
  }
  return { X, y };
}
