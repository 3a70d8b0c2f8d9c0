/**
 * A model writer to kill mid-swap: saves a model directory whose meta says `marker`, and at the
 * swap step named `pauseAt` prints "paused <step>" and waits (for the parent's SIGKILL).
 *
 *   node --import tsx test/support/model-swap-child.ts <dir> <marker> <pauseAt>
 */
import { saveModelDir } from '../../src/io/model-store.ts';

const [dir, marker, pauseAt] = process.argv.slice(2);
await saveModelDir(dir, { meta: { marker }, stages: { w: { kind: 'weights', formatVersion: 1, config: {}, arrays: { x: Float64Array.of(1, 2, 3) } } } }, {
  onStep: async (step) => {
    if (step !== pauseAt) return;
    process.stdout.write(`paused ${step}\n`);
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  },
});
process.stdout.write('done\n');
