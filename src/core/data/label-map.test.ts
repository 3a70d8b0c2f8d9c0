import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../common/errors.ts';
import { formatLabelMap, mapLabels, parseLabelMap } from './label-map.ts';

const CLASSES = ['Calm', 'Energetic', 'Happy', 'Sad'];

test('a label map maps, counts unmapped labels and skips empty ones', () => {
  const map = parseLabelMap(' happy=Happy, sad = Sad,active=Energetic');
  assert.equal(formatLabelMap(map), 'happy=Happy,sad=Sad,active=Energetic');
  const r = mapLabels(['happy', 'angry', 'sad', '', 'active', 'angry', 'Happy'], CLASSES, map);
  assert.deepEqual(Array.from(r.keep), [0, 2, 4]);
  assert.deepEqual(Array.from(r.y), [2, 3, 1]);
  assert.deepEqual(r.unmapped, { angry: 2, Happy: 1 });
  assert.equal(r.unmappedRows, 3);
  assert.equal(r.emptyRows, 1);
  assert.deepEqual(r.mapped, { happy: 1, sad: 1, active: 1 });
});

test('without a map, labels must equal the class names', () => {
  const r = mapLabels(['Sad', 'sad', 'Calm'], CLASSES);
  assert.deepEqual(Array.from(r.y), [3, 0]);
  assert.deepEqual(r.unmapped, { sad: 1 });
});

test('bad maps are refused with clear messages', () => {
  assert.throws(() => parseLabelMap('happy'), InputError);
  assert.throws(() => parseLabelMap('happy=Happy,happy=Sad'), /twice/);
  assert.throws(() => parseLabelMap(' , '), /empty/);
  assert.throws(() => mapLabels(['a'], CLASSES, parseLabelMap('a=Angry')), /"Angry" are not classes of this model/);
});
