import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../common/errors.ts';
import { buildRecCatalog, evaluateRecs, topMoodIndex } from './index.ts';
import { syntheticCatalogue, stubTagger, STUB_CLASSES } from '../../../test/support/recommend-fixtures.ts';

const table = syntheticCatalogue(1500, 3);
const catalog = buildRecCatalog(table, stubTagger);

describe('evaluateRecs', () => {
  it('scores perfect labels at precision 1 and noisy labels lower, at k = 10 and 20', () => {
    const top = topMoodIndex(catalog.proba);
    const perfect = Array.from(top, (j) => STUB_CLASSES[j].toUpperCase());
    const rep = evaluateRecs(catalog, perfect);
    assert.deepEqual(rep.summary.map((s) => s.k), [10, 20]);
    for (const s of rep.summary) {
      assert.equal(s.moods, 4);
      assert.equal(s.precision, 1);
      assert.equal(s.ndcg, 1);
      assert.ok(s.coverage > 0 && s.coverage <= 80 / 1500);
      assert.ok(s.intraListDiversity > 0 && s.artistRepetition >= 0 && s.artistRepetition < 1);
    }
    const noisy = perfect.map((l, i) => (i % 2 ? 'SAD' : l));
    const rep2 = evaluateRecs(catalog, noisy);
    assert.ok(rep2.summary[0].precision < 1);
    assert.ok(rep.randomPairDistance > 0);
  });

  it('maps vocabularies and refuses when nothing matches', () => {
    const labels = Array.from({ length: table.rowCount }, (_, i) => (i % 3 ? 'joy' : 'gloom'));
    assert.throws(() => evaluateRecs(catalog, labels), (e: unknown) => e instanceof InputError && /none of the model's moods/.test(e.message));
    const rep = evaluateRecs(catalog, labels, { moodMap: { happy: 'joy', sad: 'gloom' }, ks: [10] });
    assert.equal(rep.summary[0].moods, 2);
    assert.deepEqual(rep.skipped.map((s) => s.mood).sort(), ['calm', 'energetic']);
  });
});
