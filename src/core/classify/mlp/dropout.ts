/** The inverted-dropout stream of training: createRng's generator, inlined so the loop allocates nothing. */
import { xoshiroSeed } from '../../common/random.ts';

/**
 * The state of random.ts' generator (xoshiro128** seeded through splitmix32) for `seed`, as four
 * int32 words: createRng(seed) and this state produce the same stream. Kept in an Int32Array and
 * stepped in local variables by dropoutRelu, so the dropout loop allocates nothing (a closure
 * returning a double boxes it; at ~12k draws per batch of 256 that was ≈10 % of training time).
 */
export function xoshiroState(seed: number): Int32Array {
  return Int32Array.from(xoshiroSeed(seed));
}

/**
 * ReLU then inverted dropout in place: z ← z·keepScale where z > 0 and u ≥ p, else 0, with one
 * uniform u drawn (from `state`, advanced) per positive unit only, in index order.
 */
export function dropoutRelu(z: Float64Array, len: number, p: number, keepScale: number, state: Int32Array): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < len; i++) {
    const zi = z[i];
    if (zi > 0) {
      const b5 = Math.imul(b, 5);
      const u = (Math.imul((b5 << 7) | (b5 >>> 25), 9) >>> 0) / 4294967296;
      const t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
      d = (d << 11) | (d >>> 21);
      z[i] = u >= p ? zi * keepScale : 0;
    } else z[i] = 0;
  }
  state[0] = a; state[1] = b; state[2] = c; state[3] = d;
}

/** dropoutRelu on a copy of z with the stream of `seed` (exported for tests: it must match createRng(seed)). */
export function dropoutReluForTest(z: Float64Array, p: number, seed: number): Float64Array {
  const out = Float64Array.from(z);
  dropoutRelu(out, out.length, p, p > 0 ? 1 / (1 - p) : 1, xoshiroState(seed));
  return out;
}

