/**
 * Old spellings keep working with one note on stderr; the new ones print nothing extra, and a
 * catalogue or model given twice is a usage error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/common/errors.ts';
import { catalogueSpec, modelAndInput } from './shared-flags.ts';

function capturingStderr<T>(fn: () => T): { value: T; stderr: string } {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((s: string) => { stderr += s; return true; }) as typeof process.stderr.write;
  try {
    return { value: fn(), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('the model is --model DIR; "cmd MODEL CSV" still works with a note', () => {
  const now = capturingStderr(() => modelAndInput('tag', 'model/', 'tracks.csv', undefined));
  assert.deepEqual(now, { value: { modelDir: 'model/', input: 'tracks.csv' }, stderr: '' });
  const old = capturingStderr(() => modelAndInput('tag', undefined, 'model/', 'tracks.csv'));
  assert.deepEqual(old.value, { modelDir: 'model/', input: 'tracks.csv' });
  assert.equal(old.stderr, 'moodscape: note: "moodscape tag MODEL CSV" is deprecated; use "moodscape tag CSV --model MODEL"\n');
  assert.throws(() => modelAndInput('tag', 'model/', 'other/', 'tracks.csv'), InputError);
});

test('the catalogue is a CSV argument or --db; --catalog still works with a note naming the new form', () => {
  assert.deepEqual(capturingStderr(() => catalogueSpec('recommend', 'tracks.csv', {})), { value: 'tracks.csv', stderr: '' });
  assert.deepEqual(capturingStderr(() => catalogueSpec('recommend', undefined, { db: 'catalogue.db' })), { value: 'catalogue.db', stderr: '' });
  assert.equal(catalogueSpec('recommend', undefined, { db: 'postgres://u:p@h/db' }), 'postgres://u:p@h/db');
  // Whatever --db names is a store, even without a store-like extension.
  assert.equal(catalogueSpec('recommend', undefined, { db: 'catalogue' }), 'sqlite:catalogue');
  const store = capturingStderr(() => catalogueSpec('feedback', undefined, { catalog: 'catalogue.db' }));
  assert.deepEqual(store, { value: 'catalogue.db', stderr: 'moodscape: note: --catalog is deprecated; use --db catalogue.db\n' });
  const csv = capturingStderr(() => catalogueSpec('recommend', undefined, { catalog: 'tracks.csv' }));
  assert.equal(csv.stderr, 'moodscape: note: --catalog is deprecated; use the CSV as an argument: moodscape recommend tracks.csv\n');
  assert.throws(() => catalogueSpec('recommend', 'tracks.csv', { db: 'catalogue.db' }), /once/);
  assert.throws(() => catalogueSpec('recommend', undefined, {}), /needs a catalogue/);
});
