/**
 * The producer side of analysis jobs: lists the audio files under the given folders (sorted, as
 * `analyze` does) and cuts them into batches. A batch's key covers each file's path, size and
 * modification time and the analyzer version, so a changed file or a new analyzer makes new work
 * while enqueueing the same folders again adds nothing.
 */
import { stat } from 'node:fs/promises';
import { ANALYZER_VERSION } from '../../core/audio/provenance.ts';
import { InputError } from '../../core/common/errors.ts';
import { listAudioFiles } from '../audio/walk-music.ts';
import { batchKey, type FleetBatch } from './fleet-queue.ts';

export const DEFAULT_BATCH_FILES = 50;

export async function* analyzeBatches(inputs: readonly string[], o: { batchSize?: number } = {}): AsyncGenerator<FleetBatch> {
  const size = o.batchSize ?? DEFAULT_BATCH_FILES;
  const walk = await listAudioFiles(inputs);
  if (walk.missing.length) throw new InputError(walk.missing.map((m) => `${m.path}: ${m.message}`).join('; '));
  if (!walk.files.length) throw new InputError(`no audio files under ${inputs.join(', ')}`);
  for (let start = 0; start < walk.files.length; start += size) {
    const items = walk.files.slice(start, start + size);
    const identity = await Promise.all(items.map(async (p) => {
      const st = await stat(p).catch(() => null);
      return `${p}\t${st?.size ?? -1}\t${Math.round(st?.mtimeMs ?? -1)}`;
    }));
    yield { key: batchKey('analyze', ANALYZER_VERSION, identity), version: ANALYZER_VERSION, items };
  }
}
