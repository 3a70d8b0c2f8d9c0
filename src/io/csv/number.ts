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

// Each digit can match in one way only (`\d+\.?\d*` could split a digit run anywhere, which
// made a 300,000-digit cell take minutes to refuse).
const DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

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

/** Status codes of parseNumberInto. */
export const PARSED = 0;
export const EMPTY = 1;
export const INVALID = 2;

const scratch = new Float64Array(1);

/**
 * Parses bytes[start, end) as a decimal number. Returns NaN for an empty range (missing value)
 * and NOT_A_NUMBER for non-numeric text.
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number | typeof NOT_A_NUMBER {
  const status = parseNumberInto(bytes, start, end, scratch, 0);
  return status === INVALID ? NOT_A_NUMBER : status === EMPTY ? NaN : scratch[0];
}

/**
 * Parses bytes[start, end) and stores the value in `out[index]` (NaN when empty or invalid).
 * Returns PARSED, EMPTY (empty or blank cell) or INVALID. Writing into a typed array instead of
 * returning the double keeps the hot path free of heap-number allocations.
 */
export function parseNumberInto(bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): number {
  if (start >= end) {
    out[index] = NaN;
    return EMPTY;
  }
  if (fastPrefix(bytes, start, end, out, index) !== end) return slowInto(bytes, start, end, out, index);
  return PARSED;
}

const COMMA = 44, LF = 10, CR = 13;

/**
 * Parses the unquoted CSV field starting at `start` (it ends at a comma, a line end or `limit`)
 * into out[index] as parseNumberInto would, reading the bytes once: the number is parsed as the
 * scanner looks for the field's end. Returns `fieldEnd * 4 + status` (fieldEnd < 2^29).
 */
export function scanNumberField(bytes: Uint8Array, start: number, limit: number, out: Float64Array, index: number): number {
  const stop = fastPrefix(bytes, start, limit, out, index);
  if (stop >= 0) {
    if (stop === limit) return stop * 4 + PARSED;
    const c = bytes[stop];
    if (c === COMMA || c === LF || c === CR) return stop * 4 + PARSED;
  }
  let fe = stop >= 0 ? stop : start;
  while (fe < limit) {
    const c = bytes[fe];
    if (c === COMMA || c === LF || c === CR) break;
    fe++;
  }
  return fe * 4 + parseNumberInto(bytes, start, fe, out, index);
}

/**
 * Clinger's fast path over the longest decimal prefix of bytes[start, limit): stores the value in
 * out[index] and returns where the prefix ends, or −1 when the fast path does not apply (no
 * digits, an exponent without digits, a mantissa above 2^53 or a power of ten beyond ±22).
 */
function fastPrefix(bytes: Uint8Array, start: number, limit: number, out: Float64Array, index: number): number {
  let i = start;
  if (i >= limit) return -1;
  const c = bytes[i];
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
  while (i < limit) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    digits++;
    i++;
  }
  if (i < limit && bytes[i] === 46 /* . */) {
    i++;
    while (i < limit) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return -1;
  let exp = 0;
  if (i < limit && (bytes[i] === 101 || bytes[i] === 69) /* e E */) {
    i++;
    let eneg = false;
    if (i < limit && (bytes[i] === 45 || bytes[i] === 43)) {
      eneg = bytes[i] === 45;
      i++;
    }
    const e0 = i;
    while (i < limit) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
      i++;
    }
    if (i === e0) return -1;
    if (eneg) exp = -exp;
  }
  if (mant > TWO53) return -1;
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10];
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10];
  else return -1;
  out[index] = neg ? -v : v;
  return i;
}

function slowInto(bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): number {
  const r = parseNumberText(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
  if (r === NOT_A_NUMBER) {
    out[index] = NaN;
    return INVALID;
  }
  out[index] = r;
  return r !== r ? EMPTY : PARSED;
}
