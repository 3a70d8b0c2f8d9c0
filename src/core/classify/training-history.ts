/**
 * The per-epoch (or per-iteration) record of a fit, shared by the classifiers trained in steps
 * (mlp, logreg), and how a saved one is read back.
 */
import type { Matrix } from '../common/matrix.ts';
import type { StateReader } from './model-state.ts';
import type { RowFitOptions } from './partial-labels.ts';

export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
}

/**
 * A saved training history (absent in older files: empty). A loss that overflowed was written as
 * null by JSON and reads back as NaN.
 */
export function readHistory(r: StateReader, name = 'history'): EpochRecord[] {
  if (!r.has(name)) return [];
  return r.objects(name).map((e) => {
    const num = (f: string): number => (e.raw(f) === null ? NaN : e.number(f));
    const rec: EpochRecord = { epoch: e.int('epoch', 0), loss: num('loss'), accuracy: num('accuracy') };
    return e.has('valLoss') || e.has('valAccuracy') ? { ...rec, valLoss: num('valLoss'), valAccuracy: num('valAccuracy') } : rec;
  });
}

export interface FitOptions extends RowFitOptions {
  validation?: { X: Matrix; y: Int32Array };
  onEpoch?: (e: EpochRecord) => void;
}

