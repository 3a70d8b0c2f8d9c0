import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/common/errors.ts';
import { listUsers, loadProfile, recordFeedback } from './taste-store.ts';

describe('taste store', () => {
  it('persists feedback per user, atomically, and rejects a foreign file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moodscape-taste-'));
    try {
      const path = join(dir, 'taste.json');
      assert.equal((await loadProfile(path, 'alice')).known, false);
      await recordFeedback(path, 'alice', [{ id: 'a', features: { energy: 0.9 } }], [{ id: 'b', features: { energy: 0.1 } }]);
      await recordFeedback(path, 'bob', [], [{ id: 'a', features: { energy: 0.9 } }]);
      await recordFeedback(path, 'alice', [{ id: 'b', features: { energy: 0.1 } }], []);
      const alice = await loadProfile(path, 'alice');
      assert.equal(alice.known, true);
      assert.deepEqual(alice.likes.map((x) => x.id), ['a', 'b']);
      assert.deepEqual(alice.skips, []);
      assert.deepEqual(await listUsers(path), ['alice', 'bob']);
      assert.deepEqual(await readdir(dir), ['taste.json'], 'no temp files left behind');
      await writeFile(path, '{"hello":1}');
      await assert.rejects(loadProfile(path, 'alice'), (e: unknown) => e instanceof InputError && /not a moodscape taste store/.test(e.message));
      await assert.rejects(loadProfile(path, 'bad name!'), InputError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
