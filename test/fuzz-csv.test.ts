/**
 * Seeded fuzz suite: 330 mutants of real CSVs (test/support/csv-mutants.ts) through the library's
 * ingest (readTracksCsv) and through `moodscape tag` in-process. Every mutant either reads, or
 * fails with an input error that names the file: no crash, no exit 1, no stack, no output file
 * left behind. bench/fuzz.ts runs ten times more on demand and prints the counts.
 */
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/common/errors.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { registerTag } from '../src/app/cli/commands/tag.ts';
import { runInProcess } from './support/in-process-cli.ts';
import { mutants } from './support/csv-mutants.ts';
import { trainFixtureModel } from './support/server-fixtures.ts';

const FUZZ_SEED = 16;
const FUZZ_COUNT = 330;

let dir = '';
let modelDir = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moodscape-fuzz-'));
  modelDir = await trainFixtureModel(dir, { tracks: 300, epochs: 1 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test(`${FUZZ_COUNT} seeded mutants of real CSVs: read, or a clean input error naming the file`, { timeout: 120_000 }, async (t) => {
  const outcomes = { read: 0, refused: 0, cliOk: 0, cliRefused: 0 };
  for (const m of mutants(FUZZ_COUNT, FUZZ_SEED)) {
    const file = join(dir, `mutant-${m.index}-${m.kind}.csv`);
    const out = join(dir, `tagged-${m.index}.csv`);
    writeFileSync(file, m.bytes);
    const what = `mutant ${m.index} (${m.kind} of ${m.source})`;
    try {
      await readTracksCsv(file);
      outcomes.read++;
    } catch (e) {
      assert.ok(e instanceof InputError, `${what}: not an input error: ${(e as Error).stack}`);
      assert.ok(e.message.includes(file), `${what}: the message names the file: ${e.message}`);
      assert.doesNotMatch(e.message, /[\n\r\x1b]/, `${what}: one line, no control characters`);
      outcomes.refused++;
    }
    const cli = await runInProcess([registerTag], ['tag', file, '--model', modelDir, '--out', out, '--quiet']);
    assert.ok(cli.code === 0 || cli.code === 2, `${what}: exit ${cli.code}: ${cli.out}`);
    if (cli.code === 2) {
      assert.match(cli.out, /^moodscape: .+\n$/, `${what}: one line: ${cli.out}`);
      assert.ok(cli.out.includes(file), `${what}: names the file: ${cli.out}`);
      assert.doesNotMatch(cli.out, /\bat .+:\d+:\d+|internal error/, `${what}: no stack`);
      assert.equal(existsSync(out), false, `${what}: no output file left`);
      outcomes.cliRefused++;
    } else {
      assert.ok(existsSync(out), `${what}: tagged output written`);
      rmSync(out);
      outcomes.cliOk++;
    }
    rmSync(file);
  }
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.tagged') || n.startsWith('tagged')), [], 'no temporary files left');
  t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
  assert.equal(outcomes.read + outcomes.refused, FUZZ_COUNT);
  assert.ok(outcomes.read > 20 && outcomes.refused > 20, `both outcomes occur: ${JSON.stringify(outcomes)}`);
});

test('moodscape tag given a directory, a FIFO or a UTF-16 file: exit 2, one line naming it, no output', async () => {
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  const utf16 = join(dir, 'utf16.csv');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('valence,energy\n', 'utf16le')]));
  for (const [file, what] of [[dir, /is a directory/], [fifo, /named pipe/], [utf16, /UTF-16/]] as const) {
    const out = join(dir, 'never.csv');
    const cli = await runInProcess([registerTag], ['tag', file, '--model', modelDir, '--out', out, '--quiet']);
    assert.equal(cli.code, 2, cli.out);
    assert.match(cli.out, /^moodscape: [^\n]+\n$/);
    assert.ok(cli.out.includes(file));
    assert.match(cli.out, what);
    assert.equal(existsSync(out), false);
  }
});
