/**
 * The fuzz suite at ten times its size, on demand: mutants of real CSVs through readTracksCsv,
 * counted by mutation and outcome. Prints a markdown table (writes nothing); exits 1 if any mutant
 * crashed (an error that is not an InputError, or one that does not name the file).
 *
 *   node --import tsx bench/fuzz.ts [--count 3300] [--seed 16]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/common/errors.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { MUTATIONS, mutants, type Mutation } from '../test/support/csv-mutants.ts';
import { markdownTable } from './lib/markdown.ts';
import { machineLine } from './lib/stats.ts';

const argv = process.argv.slice(2);
const opt = (n: string) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : undefined; };
const COUNT = Number(opt('count') ?? 3300);
const SEED = Number(opt('seed') ?? 16);

const dir = mkdtempSync(join(tmpdir(), 'moodscape-fuzz-bench-'));
const counts = new Map<Mutation, { read: number; refused: number; crashed: number; slowestMs: number }>(MUTATIONS.map((m) => [m, { read: 0, refused: 0, crashed: 0, slowestMs: 0 }]));
const crashes: string[] = [];
const started = performance.now();
try {
  for (const m of mutants(COUNT, SEED)) {
    const file = join(dir, `mutant-${m.index}.csv`);
    writeFileSync(file, m.bytes);
    const c = counts.get(m.kind)!;
    const t0 = performance.now();
    try {
      await readTracksCsv(file);
      c.read++;
    } catch (e) {
      if (e instanceof InputError && e.message.includes(file) && !/[\n\r]/.test(e.message)) c.refused++;
      else {
        c.crashed++;
        crashes.push(`mutant ${m.index} (${m.kind} of ${m.source}): ${(e as Error).stack ?? String(e)}`);
      }
    }
    c.slowestMs = Math.max(c.slowestMs, performance.now() - t0);
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const rows = [...counts].map(([kind, c]) => [kind, String(c.read), String(c.refused), String(c.crashed), c.slowestMs.toFixed(1)]);
const total = [...counts.values()].reduce((a, c) => ({ read: a.read + c.read, refused: a.refused + c.refused, crashed: a.crashed + c.crashed }), { read: 0, refused: 0, crashed: 0 });
rows.push(['**all**', String(total.read), String(total.refused), String(total.crashed), '']);
process.stdout.write(`${COUNT} mutants (seed ${SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s; ${machineLine()}\n\n`);
process.stdout.write(markdownTable(['mutation', 'read', 'input error', 'crashed', 'slowest ms'], rows, ['l', 'r', 'r', 'r', 'r']) + '\n');
for (const c of crashes.slice(0, 10)) process.stderr.write(c + '\n');
process.exitCode = total.crashed > 0 ? 1 : 0;
