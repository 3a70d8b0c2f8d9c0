/**
 * Hostile CSVs finish in bounded time and bad ones are clean input errors. The time bounds are
 * generous test timeouts (they assert only "finishes"); the speeds are in bench/hostile-csv.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/common/errors.ts';
import { planHeader } from './header.ts';
import { readTracksCsv, readTracksCsvText } from './read-tracks.ts';
import { MAX_COLUMNS, MAX_RECORD_BYTES } from './csv-bytes.ts';

const REQUIRED = 'valence,danceability,energy,acousticness,tempo,loudness';
const ROW = '0.5,0.5,0.5,0.5,120,-8';
let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'moodscape-hostile-csv-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** The InputError `fn` rejects with (fails when it resolves or throws anything else). */
async function inputError(fn: () => Promise<unknown> | unknown): Promise<InputError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, got ${(e as Error).stack}`);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return e;
  }
  assert.fail('expected an input error');
}

describe('bounded time', () => {
  test('a 100,000-column header is refused at the column cap', { timeout: 30_000 }, async () => {
    const file = join(dir, 'wide.csv');
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',') + '\n' + '1,'.repeat(99_999) + '1\n');
    const e = await inputError(() => readTracksCsv(file));
    assert.match(e.message, new RegExp(`more than ${MAX_COLUMNS} columns`));
    assert.match(e.message, /wide\.csv, row 1/);
  });

  // 30,000 copies: milliseconds when linear, minutes with the quadratic rename loop. In a child
  // process, because a timeout cannot interrupt a synchronous loop in this one.
  test('30,000 duplicate header names are planned in linear time, each made unique', { timeout: 30_000 }, () => {
    const script = `import { planHeader } from ${JSON.stringify(new URL('./header.ts', import.meta.url).href)};
      const plan = planHeader(Array.from({ length: 30000 }, () => 'x'));
      const names = new Set(plan.columns.map((c) => c.canonical));
      process.stdout.write(names.size + ' ' + names.has('x_30000'));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.signal, null, 'finished before the bound');
    assert.equal(r.stdout, '30000 true', r.stderr);
  });

  test('4,000 duplicate names beside the features still read', { timeout: 30_000 }, () => {
    const header = `${REQUIRED},${Array.from({ length: 4000 }, () => 'dup').join(',')}`;
    const r = readTracksCsvText(`${header}\n${ROW},${Array.from({ length: 4000 }, (_, i) => i).join(',')}\n`);
    assert.equal(r.table.rowCount, 1);
    assert.equal(r.table.text.dup_4000[0], '3999');
  });

  // About 2 s when each byte is scanned once; rescanning the carried record per chunk took minutes.
  test('a record near the 64 MiB cap is read in one pass; one past it is refused', { timeout: 20_000 }, async () => {
    const near = join(dir, 'near.csv');
    const big = 'n'.repeat(MAX_RECORD_BYTES - 1024);
    writeFileSync(near, `name,${REQUIRED}\n${big},${ROW}\n`);
    const r = await readTracksCsv(near);
    assert.equal(r.table.text.name[0].length, big.length);
    const zeros = join(dir, 'zeros.csv');
    writeFileSync(zeros, Buffer.concat([Buffer.from(`${REQUIRED}\n`), Buffer.alloc(MAX_RECORD_BYTES + (1 << 20))]));
    const e = await inputError(() => readTracksCsv(zeros));
    assert.match(e.message, /zeros\.csv, row 2: a record longer than 64 MiB/);
  });
});

describe('clean input errors', () => {
  test('a directory, a FIFO and an unreadable file are refused by name', async () => {
    assert.match((await inputError(() => readTracksCsv(dir))).message, /is a directory, not a CSV file/);
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    assert.match((await inputError(() => readTracksCsv(fifo))).message, /pipe\.csv: is a named pipe \(FIFO\)/);
    // Readable by stat, but every read fails (EIO): as unreadable as a file gets for root.
    assert.match((await inputError(() => readTracksCsv('/proc/self/mem'))).message, /\/proc\/self\/mem: cannot read file \(EIO\)/);
  });

  test('UTF-16 and UTF-32 byte-order marks say what the file is', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${REQUIRED}\n${ROW}\n`, 'utf16le')]);
    const file = join(dir, 'utf16.csv');
    writeFileSync(file, le);
    assert.match((await inputError(() => readTracksCsv(file))).message, /utf16\.csv, row 1: the file is UTF-16 \(little-endian\) text/);
    writeFileSync(file, Buffer.from([0xfe, 0xff, 0, 0x76]));
    assert.match((await inputError(() => readTracksCsv(file))).message, /UTF-16 \(big-endian\)/);
    writeFileSync(file, Buffer.from([0xff, 0xfe, 0, 0, 0x76, 0, 0, 0]));
    assert.match((await inputError(() => readTracksCsv(file))).message, /UTF-32/);
  });

  test('a __proto__ header is refused; a constructor header is an ordinary text column', async () => {
    assert.match((await inputError(() => readTracksCsvText(`__proto__,${REQUIRED}\nx,${ROW}\n`, 'p.csv'))).message, /p\.csv, row 1, column "__proto__": a column may not be called "__proto__"/);
    const r = readTracksCsvText(`constructor,${REQUIRED}\nbuilder,${ROW}\n`);
    assert.deepEqual(r.table.text.constructor, ['builder']);
    assert.ok(Object.hasOwn(r.table.text, 'constructor'));
    assert.equal(Object.getPrototypeOf(r.table.text), Object.prototype);
  });

  test('a number with a non-breaking space says so', async () => {
    const e = await inputError(() => readTracksCsvText(`${REQUIRED}\n0.5\u00a0,0.5,0.5,0.5,120,-8\n`, 'nbsp.csv'));
    assert.match(e.message, /nbsp\.csv, row 2, column "valence": "0\.5\u00a0?" is not a number: it holds a non-breaking space \(U\+00A0\)/);
  });

  test('control characters in echoed values are escaped', async () => {
    const e = await inputError(() => readTracksCsvText(`${REQUIRED}\n\x1b[2J\x07,0.5,0.5,0.5,120,-8\n`, 'esc.csv'));
    assert.doesNotMatch(e.message, /[\x00-\x1f]/);
    assert.match(e.message, /\\x1b\[2J\\x07/);
  });
});
