/** Step 2 of recommend(): the hard constraints of a resolved query (see filter.ts for how they apply). */
import type { Constraint } from './filter.ts';
import { idIndex, type ResolvedQuery } from './query.ts';
import { rowsByTopMood, staticsOf } from './catalog-statics.ts';
import type { RecCatalog } from './rec-catalog.ts';

/**
 * The hard constraints of a resolved query, in the order they are applied. Each has a `test` (used
 * for the empty-pool diagnosis and by callers) and an equivalent `keep` loop for applyConstraints.
 */
export function buildConstraints(catalog: RecCatalog, rq: ResolvedQuery, top: Int32Array): Constraint[] {
  const { table, classes } = catalog;
  const out: Constraint[] = [];
  const ids = table.text.id;
  if (rq.seeds.length) {
    const seedSet = new Set(rq.seeds.map((s) => s.row));
    const seedIds = new Set(rq.seeds.map((s) => s.id));
    const test = (r: number) => !seedSet.has(r) && !(ids && seedIds.has(ids[r]));
    // With unique ids, the rows carrying a seed's id are exactly the seed rows.
    const exclude = ids && idIndex(ids).unique ? rowsOfIds(ids, seedIds) : undefined;
    out.push({ label: 'not a seed track', source: 'seeds', explain: false, test, keep: exclude ? keepNotIn(exclude, table.rowCount) : undefined });
  }
  if (rq.taste?.skips.length && ids) {
    const skipped = new Set(rq.taste.skips.map((s) => s.id));
    const exclude = idIndex(ids).unique ? rowsOfIds(ids, skipped) : undefined;
    out.push({
      label: `not skipped by ${rq.taste.user}`, source: `user ${rq.taste.user}`, explain: false,
      test: (r) => !skipped.has(ids[r]), keep: exclude ? keepNotIn(exclude, table.rowCount) : undefined,
    });
  }
  if (rq.moods.length) {
    const want = new Set(rq.moods.map((m) => m.index));
    const mask = classMask(classes.length, want);
    const wanted = [...want].sort((a, b) => a - b);
    out.push({
      label: `predicted mood is ${rq.moods.map((m) => m.name).join(' or ')}`, source: 'mood', explain: true,
      test: (r) => want.has(top[r]),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) { const r = rows[i]; if (mask[top[r]]) rows[k++] = r; }
        return k;
      },
      all: top === staticsOf(catalog).top && top.length === table.rowCount ? () => {
        const lists = rowsByTopMood(staticsOf(catalog), classes.length);
        if (wanted.length === 1) return lists[wanted[0]]?.slice() ?? new Int32Array(0);
        let len = 0;
        for (const j of wanted) len += lists[j]?.length ?? 0;
        return rowsWithMask(top, mask, len);
      } : undefined,
    });
  }
  const ctx = rq.context ? `context ${rq.context.name}` : '';
  if (rq.excludeClasses.length) {
    const ex = new Set(rq.excludeClasses);
    const mask = classMask(classes.length, ex);
    out.push({
      label: `predicted mood not ${rq.excludeClasses.map((j) => classes[j]).join('/')} (${ctx})`, source: ctx, explain: true,
      test: (r) => !ex.has(top[r]),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) { const r = rows[i]; if (!mask[top[r]]) rows[k++] = r; }
        return k;
      },
    });
  }
  if (rq.tempoBands?.length) {
    const bands = rq.tempoBands, col = table.numeric.tempo;
    const lo = Float64Array.from(bands, (b) => b[0]), hi = Float64Array.from(bands, (b) => b[1]), nb = bands.length;
    out.push({
      label: `tempo in ${bands.map(([a, b]) => `${a}–${b}`).join(' or ')} BPM (${ctx})`,
      source: ctx, explain: true,
      test: (r) => bands.some(([a, b]) => col[r] >= a && col[r] <= b),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) {
          const r = rows[i], v = col[r];
          for (let q = 0; q < nb; q++) if (v >= lo[q] && v <= hi[q]) { rows[k++] = r; break; }
        }
        return k;
      },
    });
  }
  for (const b of rq.bounds) {
    const col = table.numeric[b.knob];
    const name = b.source === 'query' ? `${b.op === '≥' ? 'min' : 'max'}_${b.knob} ${b.value}` : `${b.knob} ${b.op} ${b.value}`;
    const value = b.value;
    out.push({
      label: `${name} (${b.source})`, source: b.source, explain: true,
      test: b.op === '≥' ? (r) => col[r] >= value : (r) => col[r] <= value,
      keep: b.op === '≥'
        ? (rows, m) => { let k = 0; for (let i = 0; i < m; i++) { const r = rows[i]; if (col[r] >= value) rows[k++] = r; } return k; }
        : (rows, m) => { let k = 0; for (let i = 0; i < m; i++) { const r = rows[i]; if (col[r] <= value) rows[k++] = r; } return k; },
    });
  }
  return out;
}

/** The rows r (ascending) with mask[top[r]] set; `count` of them. */
function rowsWithMask(top: Int32Array, mask: Uint8Array, count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < top.length; i++) if (mask[top[i]]) rows[k++] = i;
  return rows;
}

function classMask(classes: number, set: ReadonlySet<number>): Uint8Array {
  const mask = new Uint8Array(Math.max(classes, ...set, -1) + 1);
  for (const j of set) if (j >= 0) mask[j] = 1;
  return mask;
}

/** The rows whose id is in `want` (ids unique, so one row per id at most). */
function rowsOfIds(ids: readonly string[], want: ReadonlySet<string>): Int32Array {
  const first = idIndex(ids).first;
  const rows: number[] = [];
  for (const id of want) { const r = first.get(id); if (r !== undefined) rows.push(r); }
  return Int32Array.from(rows);
}

function keepNotIn(exclude: Int32Array, n: number): (rows: Int32Array, m: number) => number {
  const ne = exclude.length;
  if (ne > 8) {
    return (rows, m) => {
      const mask = new Uint8Array(n);
      for (let q = 0; q < ne; q++) mask[exclude[q]] = 1;
      let k = 0;
      for (let i = 0; i < m; i++) { const r = rows[i]; if (!mask[r]) rows[k++] = r; }
      return k;
    };
  }
  return (rows, m) => {
    let k = 0;
    outer: for (let i = 0; i < m; i++) {
      const r = rows[i];
      for (let q = 0; q < ne; q++) if (r === exclude[q]) continue outer;
      rows[k++] = r;
    }
    return k;
  };
}
