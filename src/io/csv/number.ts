/**
 * Decimal parsing straight from bytes, so numeric CSV cells never become strings.
 *
 * The fast path is Clinger's: when the decimal mantissa fits in 2^53 and the decimal exponent
 * is within ±22, `mantissa * 10^e` (or `/ 10^-e`) is a single correctly-rounded IEEE operation
 * on two exact values, so the result equals `Number(text)`. Anything else (17-digit mantissas,
 * huge exponents, stray spaces, `Infinity`, …) goes through `parseNumberText`, which uses
 * `Number()` after a strict syntax check.
 */

const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;
const TWO53 = 9007199254740992;

/** Result marker for text that is not a decimal number. */
export const NOT_A_NUMBER = Symbol('not-a-number');

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses trimmed decimal text. Returns NaN for an empty / whitespace-only cell (missing),
 * NOT_A_NUMBER when the text is not a finite decimal number.
 */
export function parseNumberText(text: string): number | typeof NOT_A_NUMBER {
  const t = text.trim();
  if (t.length === 0) return NaN;
  if (!DECIMAL_RE.test(t)) return NOT_A_NUMBER;
  const v = Number(t);
  return Number.isFinite(v) ? v : NOT_A_NUMBER;
}

/**
 * Parses bytes[start, end) as a decimal number. Returns NaN for an empty range (missing value)
 * and NOT_A_NUMBER for non-numeric text.
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number | typeof NOT_A_NUMBER {
  if (start >= end) return NaN;
  let i = start;
  let c = bytes[i];
  let neg = false;
  if (c === 45 /* - */) {
    neg = true;
    i++;
  } else if (c === 43 /* + */) {
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  while (i < end) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    digits++;
    i++;
  }
  if (i < end && bytes[i] === 46 /* . */) {
    i++;
    while (i < end) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return slow(bytes, start, end);
  let exp = 0;
  if (i < end && (bytes[i] === 101 || bytes[i] === 69) /* e E */) {
    i++;
    let eneg = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      eneg = bytes[i] === 45;
      i++;
    }
    const e0 = i;
    while (i < end) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
      i++;
    }
    if (i === e0) return slow(bytes, start, end);
    if (eneg) exp = -exp;
  }
  if (i !== end) return slow(bytes, start, end);
  if (mant > TWO53) return slow(bytes, start, end);
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10];
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10];
  else return slow(bytes, start, end);
  return neg ? -v : v;
}

function slow(bytes: Uint8Array, start: number, end: number): number | typeof NOT_A_NUMBER {
  return parseNumberText(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
}
