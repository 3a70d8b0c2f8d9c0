/**
 * The serialised form of every fitted estimator (tfjs-layers' config + weights split): `config`
 * is plain JSON (options and small learned values), `arrays` hold the weights. The model store
 * writes config into JSON and arrays into one binary file, and loads them back the same.
 */
export type NumericArray = Float64Array | Float32Array | Int32Array;

export interface ModelState {
  readonly kind: string;
  readonly formatVersion: number;
  readonly config: Record<string, unknown>;
  readonly arrays: Record<string, NumericArray>;
}

/** Refuses a state of another kind or an unknown format version, with a message that says which. */
export function checkState(state: ModelState, kind: string, supportedVersion: number): void {
  if (state.kind !== kind) throw new Error(`expected a ${kind} model state, got ${state.kind}`);
  if (state.formatVersion !== supportedVersion) {
    throw new Error(
      `${kind} state has format version ${state.formatVersion}; this moodscape reads version ${supportedVersion}`,
    );
  }
}

export function requireArray<T extends NumericArray>(state: ModelState, name: string): T {
  const a = state.arrays[name];
  if (!a) throw new Error(`${state.kind} state is missing the "${name}" array`);
  return a as T;
}
