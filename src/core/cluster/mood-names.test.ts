import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameMoods } from './mood-names.ts';

const centroids = [
  { valence: 1.1, energy: 1.0, danceability: 1.2, acousticness: -0.9, tempo: 0.2 },
  { valence: -0.9, energy: -1.2, danceability: -0.4, acousticness: 1.5, tempo: -0.3 },
  { valence: -0.8, energy: 1.1, danceability: -0.2, acousticness: -1.0, tempo: 0.6 },
  { valence: 0.9, energy: -0.8, danceability: 0.1, acousticness: 1.0, tempo: -0.1 },
];

test('names come from the centroid: quadrant first, then the strongest secondary trait', () => {
  const names = nameMoods(centroids).map((m) => m.name);
  assert.deepEqual(names, ['Euphoric Groove', 'Melancholic Acoustic', 'Intense Electric', 'Mellow Acoustic']);
});

test('the same clusters in another order get the same names', () => {
  const a = nameMoods(centroids).map((m) => m.name);
  const perm = [2, 0, 3, 1];
  const b = nameMoods(perm.map((i) => centroids[i])).map((m) => m.name);
  assert.deepEqual(b, perm.map((i) => a[i]));
});

test('names are unique even when centroids fall in the same place', () => {
  const similar = [
    { valence: 1, energy: 1, acousticness: 0.9, danceability: 0.6 },
    { valence: 1.1, energy: 1.2, acousticness: 0.7, danceability: 0.2 },
    { valence: 1.2, energy: 1.1, acousticness: 0.1, danceability: 0.1 },
    { valence: 1.3, energy: 1.3, acousticness: 0.2, danceability: 0.1 },
  ];
  const names = nameMoods(similar).map((m) => m.name);
  assert.equal(new Set(names).size, names.length, names.join(', '));
});

test('the evidence behind each name is the centroid z-scores', () => {
  const [first] = nameMoods(centroids);
  assert.equal(first.evidence.valence, 1.1);
  assert.match(first.reasons.join(' '), /danceability \+1\.2σ/);
});
