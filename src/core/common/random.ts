/**
 * Seeded pseudo-random numbers. Every place where randomness enters moodscape takes an explicit
 * seed and builds one of these, so that a run can be reproduced exactly (no Math.random in core).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal deviate. */
  normal(): number;
  /** A derived generator, for handing an independent stream to a sub-task. */
  fork(): Rng;
}

/** murmur3's 32-bit finaliser: splitmix32's output mix, also a good hash of a 32-bit integer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** splitmix32's increment (the golden ratio in 32 bits). */
export const SPLITMIX32_GAMMA = 0x9e3779b9;

/** The four xoshiro128** state words splitmix32 derives from `seed`: where createRng(seed) starts. */
export function xoshiroSeed(seed: number): [number, number, number, number] {
  let s = seed >>> 0;
  const splitmix = (): number => fmix32((s = (s + SPLITMIX32_GAMMA) >>> 0));
  return [splitmix(), splitmix(), splitmix(), splitmix()];
}

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, good enough for ML sampling. */
export function createRng(seed: number): Rng {
  let [a, b, c, d] = xoshiroSeed(seed);
  let spare: number | null = null;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n: number) => Math.floor((nextU32() / 4294967296) * n),
    normal: () => {
      if (spare !== null) { const v = spare; spare = null; return v; }
      let u = 0;
      while (u === 0) u = nextU32() / 4294967296;
      const v = nextU32() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: () => createRng(nextU32()),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher–Yates shuffle in place; returns the array for chaining. */
export function shuffleInPlace<T extends { length: number; [i: number]: any }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = arr[i]; arr[i] = arr[j]; arr[j] = tmp;
  }
  return arr;
}

/** 0..n-1 in random order. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rng);
}
