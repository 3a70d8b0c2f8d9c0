/**
 * The package as a user gets it: `npm pack` (which runs `prepare`, the library build) makes the
 * tarball, a scratch ESM project outside the repository gets it unpacked as
 * node_modules/moodscape, and plain `node` (no tsx, no loader) runs the README's library example,
 * read from README.md so the two cannot drift. The tarball's dependencies are not reinstalled
 * (that needs the network): its node_modules links to this checkout's, which `npm ci` filled from
 * the same lockfile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DATA, ROOT } from './support/cli.ts';

const run = promisify(execFile);

/** The first ```js block of README's "## Library" section. */
async function readmeLibraryExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Library\n'));
  assert.ok(section, 'README has a "## Library" section');
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the Library section has a ```js example');
  return code;
}

test('the README library example runs with plain node against the packed package', { timeout: 180_000 }, async () => {
  const example = await readmeLibraryExample();
  assert.match(example, /from 'moodscape'/);
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-library-'));
  try {
    const { stdout: packed } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20 });
    const tarball = join(dir, JSON.parse(packed)[0].filename as string);
    const project = join(dir, 'project');
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    await run('tar', ['-xzf', tarball, '-C', join(project, 'node_modules')]);
    const pkg = join(project, 'node_modules', 'moodscape');
    await rename(join(project, 'node_modules', 'package'), pkg);
    await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    await symlink(join(DATA, 'mood_labelled/data_moods.csv'), join(project, 'data_moods.csv'));
    await writeFile(join(project, 'example.mjs'), example);

    const { stdout, stderr } = await run(process.execPath, ['example.mjs'], { cwd: project, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(stderr, '');
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'read 686 tracks');
    assert.match(lines[1], /^clusters: (\S+ \S+, ){3}\S+ \S+$/);
    const accuracy = Number(/^cross-validated accuracy (\d\.\d{3})$/.exec(lines[2])?.[1]);
    assert.ok(accuracy > 0.75 && accuracy < 0.9, lines[2]);
    const counts = JSON.parse(lines[3].replace(/^moods: /, '')) as Record<string, number>;
    assert.deepEqual(Object.keys(counts), ['Calm', 'Energetic', 'Happy', 'Sad', 'uncertain']);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 686);
    assert.match(lines[4], /^2H7PHVdQ3mXqEHXcvclTB0: \w+ \(probability 0\.\d\d; average track 0\.\d\d\)$/);
    assert.ok(lines.some((l) => /^ {2}sum [+-]\d\.\d\d = /.test(l)), 'the explanation adds up');
    const playlist = lines.filter((l) => / — .*: \w+ \(/.test(l));
    assert.equal(playlist.length, 5);
    assert.equal(lines.at(-1), 'stored 686 tracks, tagged 686');
    // The declarations ship too, and name the entry point's types.
    const types = await readFile(join(pkg, 'dist/types/index.d.ts'), 'utf8');
    assert.match(types, /export \{ tagTracks, tagProbabilities/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
