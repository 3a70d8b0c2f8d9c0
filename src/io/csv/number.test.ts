import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { NOT_A_NUMBER, parseNumberBytes, parseNumberText } from './number.ts';

const parse = (s: string) => {
  const b = Buffer.from(`#${s}#`, 'latin1');
  return parseNumberBytes(b, 1, b.length - 1);
};

test('parses like Number() on decimal text', () => {
  const cases = ['0', '-0', '1', '+2', '0.5', '.5', '5.', '-7.727', '133.061', '196707', '1.2e-05', '6.24E-06', '1e2',
    '-1.5e+3', '0.13699999999999998', '123456789012345678', '1e-30', '4.0', '00012', '9007199254740993'];
  for (const s of cases) assert.equal(parse(s), Number(s), s);
});

test('matches Number() on many random values', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 20000; i++) {
    const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
    for (const s of [String(v), v.toFixed(3), v.toExponential(4), v.toPrecision(17)]) assert.equal(parse(s), Number(s), s);
  }
});

test('empty is missing, junk is NOT_A_NUMBER', () => {
  assert.ok(Number.isNaN(parse('')));
  assert.ok(Number.isNaN(parse('  ')));
  assert.equal(parse(' 0.5 '), 0.5);
  for (const s of ['abc', '1.2.3', '-', '.', 'e5', '1e', '0x10', 'Infinity', 'NaN', '1,5', '5%']) {
    assert.equal(parse(s), NOT_A_NUMBER, s);
  }
  assert.equal(parseNumberText('1e400'), NOT_A_NUMBER);
});

// In a child process, because a timeout cannot interrupt a synchronous regex in this one.
test('a cell of millions of digits is parsed or refused in linear time (no regex backtracking)', { timeout: 30_000 }, () => {
  const script = `import { parseNumberText, NOT_A_NUMBER } from ${JSON.stringify(new URL('./number.ts', import.meta.url).href)};
    process.stdout.write([parseNumberText('9'.repeat(3000000) + 'x') === NOT_A_NUMBER, parseNumberText('0'.repeat(1000000) + '.5')].join(' '));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.signal, null, 'finished before the bound');
  assert.equal(r.stdout, 'true 0.5', r.stderr);
});
