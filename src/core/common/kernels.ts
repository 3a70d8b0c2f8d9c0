/**
 * Which implementation runs an estimator's inner loops. 'wasm' uses the WebAssembly SIMD kernels
 * of core/wasm where the runtime has them (always on Node ≥ 20) and falls back to TypeScript
 * where it does not; 'ts' always runs the TypeScript loops. Both give bit-identical results, so
 * the choice is an option of the fit (for tests and benchmarks), never part of a saved model.
 */
import { oneOf } from './options.ts';

export type Kernels = 'wasm' | 'ts';

/** The one default every estimator's options take. */
export const DEFAULT_KERNELS: Kernels = 'wasm';

export const kernelsCheck = oneOf<Kernels>(['wasm', 'ts']);

/** Options as a saved model records them: without `kernels`, which does not change results. */
export function savedOptions<T extends { kernels: Kernels }>(options: T): Omit<T, 'kernels'> {
  const { kernels: _, ...rest } = options;
  return rest;
}
