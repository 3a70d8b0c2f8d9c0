/**
 * Vega-Lite specs, one builder per report chart. Every builder takes plain numbers and returns a
 * self-contained spec (inline data, titles, axis titles with units). Rendering lives in
 * src/io/report/render-charts.ts.
 */
import { FEATURE_SPEC } from '../data/features.ts';
import type { HistogramWithDensity } from './stats.ts';

export type VlSpec = Record<string, unknown>;

export interface ChartSpec {
  id: string;
  title: string;
  spec: VlSpec;
}

const FONT = 'DejaVu Sans';

export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 14, fontWeight: 'bold', anchor: 'start', color: '#1f2933', subtitleColor: '#52606d', subtitleFontSize: 11, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#3e4c59', labelColor: '#3e4c59', gridColor: '#e4e7eb', domainColor: '#9aa5b1', tickColor: '#9aa5b1', labelOverlap: true, labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'] },
} as const;

function base(title: string, subtitle?: string): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: title, subtitle } : title,
    config: CHART_CONFIG,
  };
}

/** "loudness (dB)", "energy (0–1)", "tempo (BPM)". */
export function axisTitle(feature: string): string {
  const spec = FEATURE_SPEC.get(feature);
  if (!spec) return feature;
  if (spec.unit) return `${feature} (${spec.unit})`;
  return `${feature} (${spec.min}–${spec.max})`;
}

const moodColor = (moods: readonly string[]) => ({ domain: [...moods], range: CHART_CONFIG.range.category.slice(0, Math.max(1, moods.length)) });

/** Histogram with a KDE curve per feature, in a grid. */
export function distributionsSpec(hists: { feature: string; hist: HistogramWithDensity }[], columns = 3): ChartSpec {
  const panels = hists.map(({ feature, hist }) => ({
    width: 230,
    height: 130,
    title: { text: feature, fontSize: 12 },
    layer: [
      {
        data: { values: hist.bins },
        mark: { type: 'bar', color: '#9fb3c8', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: axisTitle(feature), bin: { binned: true }, axis: { tickCount: 5 } },
          x2: { field: 'end' },
          y: { field: 'count', type: 'quantitative', title: 'tracks' },
          tooltip: [{ field: 'start', format: '.3~g' }, { field: 'end', format: '.3~g' }, { field: 'count' }],
        },
      },
      {
        data: { values: hist.density },
        mark: { type: 'line', color: '#243b53', strokeWidth: 1.8 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'count', type: 'quantitative' } },
      },
    ],
  }));
  return {
    id: 'distributions',
    title: 'Feature distributions',
    spec: { ...base('Feature distributions', 'bars: tracks per bin · line: kernel density estimate on the same scale'), concat: panels, columns, resolve: { scale: { x: 'independent', y: 'independent' } } },
  };
}

/** Pearson correlation heatmap with the value printed in each cell. */
export function correlationSpec(features: readonly string[], matrix: readonly (readonly number[])[]): ChartSpec {
  const values: { a: string; b: string; r: number | null }[] = [];
  features.forEach((a, i) => features.forEach((b, j) => values.push({ a, b, r: Number.isFinite(matrix[i][j]) ? matrix[i][j] : null })));
  const size = Math.max(220, Math.min(560, features.length * 46));
  return {
    id: 'correlations',
    title: 'Correlation heatmap',
    spec: {
      ...base('Correlations between features', 'Pearson r, from −1 (opposite) to +1 (move together)'),
      width: size,
      height: size,
      data: { values },
      encoding: {
        x: { field: 'b', type: 'nominal', sort: [...features], title: null, axis: { labelAngle: -40 } },
        y: { field: 'a', type: 'nominal', sort: [...features], title: null },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: { field: 'r', type: 'quantitative', title: 'Pearson r', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true } },
            tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'r', format: '.2f' }],
          },
        },
        {
          mark: { type: 'text', fontSize: features.length > 10 ? 9 : 11 },
          encoding: {
            text: { field: 'r', type: 'quantitative', format: '.2f' },
            color: { condition: { test: 'abs(datum.r) > 0.55', value: 'white' }, value: '#1f2933' },
          },
        },
      ],
    },
  };
}

/** Scatter matrix of a few features, coloured by mood when given. */
export function scatterMatrixSpec(features: readonly string[], rows: readonly Record<string, number | string>[], moods?: readonly string[]): ChartSpec {
  const cell = features.length > 4 ? 110 : 140;
  return {
    id: 'scatter-matrix',
    title: 'Scatter matrix',
    spec: {
      ...base('Scatter matrix of the main features', `${rows.length} tracks${moods ? ', coloured by mood' : ''}`),
      data: { values: rows },
      repeat: { row: [...features], column: [...features] },
      spec: {
        width: cell,
        height: cell,
        mark: { type: 'point', shape: 'square', filled: true, size: 8, opacity: 0.55, aria: false },
        encoding: {
          x: { field: { repeat: 'column' }, type: 'quantitative', scale: { zero: false }, axis: { tickCount: 4 } },
          y: { field: { repeat: 'row' }, type: 'quantitative', scale: { zero: false }, axis: { tickCount: 4 } },
          ...(moods ? { color: { field: 'mood', type: 'nominal', title: 'mood', scale: moodColor(moods) } } : { color: { value: '#486581' } }),
        },
      },
    },
  };
}

export interface SweepPointInput {
  k: number;
  inertia: number;
  silhouette?: number;
}

/** Elbow (inertia) and silhouette against k with the chosen k marked; bootstrap stability if given. */
export function sweepSpec(points: readonly SweepPointInput[], chosenK: number, stability?: readonly { k: number; mean: number; std: number }[]): ChartSpec {
  const rule = {
    data: { values: [{ k: chosenK, label: `chosen k = ${chosenK}` }] },
    layer: [
      { mark: { type: 'rule', color: '#e45756', strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'k', type: 'quantitative' } } },
      { mark: { type: 'text', color: '#e45756', align: 'left', dx: 4, baseline: 'top', y: 2, fontSize: 11 }, encoding: { x: { field: 'k', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
  const kAxis = { field: 'k', type: 'quantitative', title: 'number of clusters k', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false, nice: false, padding: 8 } };
  const panel = (field: string, title: string, yTitle: string, data: unknown[], extra: unknown[] = []) => ({
    width: 260,
    height: 180,
    title: { text: title, fontSize: 12 },
    layer: [
      ...extra,
      { data: { values: data }, mark: { type: 'line', point: true, color: '#4c78a8' }, encoding: { x: kAxis, y: { field, type: 'quantitative', title: yTitle, scale: { zero: false } }, tooltip: [{ field: 'k' }, { field, format: '.4~g' }] } },
      rule,
    ],
  });
  const panels: unknown[] = [panel('inertia', 'Elbow', 'inertia (scaled units²)', points.map((p) => ({ k: p.k, inertia: p.inertia })))];
  const sil = points.filter((p) => p.silhouette !== undefined && Number.isFinite(p.silhouette));
  if (sil.length) panels.push(panel('silhouette', 'Silhouette', 'mean silhouette (−1 to 1)', sil.map((p) => ({ k: p.k, silhouette: p.silhouette }))));
  if (stability?.length) {
    const band = {
      data: { values: stability.map((s) => ({ k: s.k, lo: s.mean - s.std, hi: s.mean + s.std })) },
      mark: { type: 'area', opacity: 0.2, color: '#4c78a8' },
      encoding: { x: kAxis, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    };
    panels.push(panel('stability', 'Bootstrap stability', 'adjusted Rand index (0–1)', stability.map((s) => ({ k: s.k, stability: s.mean })), [band]));
  }
  return { id: 'k-sweep', title: 'Choosing k', spec: { ...base('Choosing the number of clusters', `k = ${chosenK} chosen (dashed line)`), hconcat: panels } };
}

/** PCA scatter coloured by mood with named centroids. */
export function moodMapSpec(
  points: readonly { x: number; y: number; mood: string }[],
  moods: readonly string[],
  centroids: readonly { name: string; x: number; y: number }[],
  explained?: readonly [number, number],
): ChartSpec {
  const pc = (i: number) => `PC${i + 1}, scaled units${explained ? ` (${(explained[i] * 100).toFixed(1)}% of variance)` : ''}`;
  return {
    id: 'mood-map',
    title: 'PCA mood map',
    spec: {
      ...base('Mood map: tracks projected on two principal components', `${points.length} tracks coloured by mood; large symbols mark the cluster centroids`),
      width: 560,
      height: 400,
      layer: [
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 14, opacity: 0.6, aria: false },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: pc(0) },
            y: { field: 'y', type: 'quantitative', title: pc(1) },
            color: { field: 'mood', type: 'nominal', title: 'mood', scale: moodColor(moods) },
          },
        },
        ...(centroids.length
          ? [
              {
                data: { values: centroids },
                mark: { type: 'point', shape: 'diamond', filled: true, size: 220, color: '#1f2933', stroke: 'white', strokeWidth: 1.5 },
                encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
              },
              {
                data: { values: centroids },
                mark: { type: 'text', dy: -16, fontSize: 12, fontWeight: 'bold', color: '#1f2933' },
                encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'name' } },
              },
            ]
          : []),
      ],
    },
  };
}

/** Histogram of GMM membership confidence (max posterior per track). */
export function gmmConfidenceSpec(bins: readonly { start: number; end: number; count: number }[], n: number): ChartSpec {
  return {
    id: 'gmm-confidence',
    title: 'GMM membership confidence',
    spec: {
      ...base('How sure the Gaussian mixture is about each track', `${n} tracks · highest membership probability per track`),
      width: 520,
      height: 200,
      data: { values: bins },
      mark: { type: 'bar', color: '#72b7b2', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'highest membership probability (0–1)', scale: { domain: [bins[0]?.start ?? 0, 1] } },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: 'tracks' },
      },
    },
  };
}

/** Per-fold accuracy bars with the mean line and ± std band (and the majority-class guess, dashed). */
export function foldAccuracySpec(folds: readonly { fold: number; accuracy: number }[], mean: number, std: number, baseline?: number): ChartSpec {
  const bars = folds.map((f) => ({ fold: `fold ${f.fold}`, accuracy: f.accuracy }));
  const layers: unknown[] = [
    {
      data: { values: bars },
      mark: { type: 'bar', color: '#4c78a8', width: { band: 0.6 } },
      encoding: {
        x: { field: 'fold', type: 'nominal', title: 'cross-validation fold', axis: { labelAngle: 0 } },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy on held-out tracks (0–1)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        tooltip: [{ field: 'fold' }, { field: 'accuracy', format: '.3f' }],
      },
    },
    {
      data: { values: bars },
      mark: { type: 'text', baseline: 'top', dy: 22, fontSize: 11, color: 'white', fontWeight: 'bold' },
      encoding: { x: { field: 'fold', type: 'nominal' }, y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'accuracy', format: '.1%' } },
    },
    { data: { values: [{ lo: mean - std, hi: mean + std }] }, mark: { type: 'rect', color: '#f0b429', opacity: 0.35 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
    { data: { values: [{ y: mean }] }, mark: { type: 'rule', color: '#b44d12', strokeWidth: 2 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
  ];
  if (baseline !== undefined) {
    layers.push({ data: { values: [{ y: baseline }] }, mark: { type: 'rule', color: '#e45756', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  }
  const sub = [`orange line: mean ${(mean * 100).toFixed(1)}% ± ${(std * 100).toFixed(1)}% (band: ± 1 std)`];
  if (baseline !== undefined) sub.push(`dashed red: always guessing the most common mood, ${(baseline * 100).toFixed(1)}%`);
  return {
    id: 'cv-folds',
    title: 'Per-fold accuracy',
    spec: { ...base('Cross-validated accuracy per fold', sub.join(' · ')), width: Math.max(300, folds.length * 70), height: 220, layer: layers },
  };
}

export interface CurvePoint {
  fold: number;
  epoch: number;
  split: 'train' | 'validation';
  loss?: number;
  accuracy?: number;
}

/** Loss and accuracy against epoch, one line per fold, dashed for validation. */
export function trainingCurvesSpec(points: readonly CurvePoint[]): ChartSpec {
  const panel = (metric: 'loss' | 'accuracy', yTitle: string) => ({
    width: 300,
    height: 200,
    title: { text: metric === 'loss' ? 'Loss' : 'Accuracy', fontSize: 12 },
    data: { values: points.filter((p) => p[metric] !== undefined && Number.isFinite(p[metric])).map((p) => ({ ...p, fold: `fold ${p.fold}` })) },
    mark: { type: 'line', strokeWidth: 1.4 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: metric, type: 'quantitative', title: yTitle, scale: { zero: false }, ...(metric === 'accuracy' ? { axis: { format: '.0%' } } : {}) },
      color: { field: 'fold', type: 'nominal', title: 'fold' },
      strokeDash: { field: 'split', type: 'nominal', title: 'data', scale: { domain: ['train', 'validation'], range: [[1, 0], [4, 3]] } },
      detail: { field: 'split' },
    },
  });
  return {
    id: 'training-curves',
    title: 'Training curves',
    spec: { ...base('Training curves', 'solid: training rows · dashed: validation rows'), hconcat: [panel('loss', 'loss (nats per track)'), panel('accuracy', 'accuracy (0–1)')], resolve: { scale: { color: 'shared' } } },
  };
}

/** Confusion matrix: counts printed, colour = share of the true class. */
export function confusionSpec(classes: readonly string[], matrix: readonly (readonly number[])[]): ChartSpec {
  const values: { truth: string; predicted: string; count: number; share: number }[] = [];
  classes.forEach((t, i) => {
    const total = matrix[i].reduce((a, b) => a + b, 0);
    classes.forEach((p, j) => values.push({ truth: t, predicted: p, count: matrix[i][j], share: total ? matrix[i][j] / total : 0 }));
  });
  const size = Math.max(200, Math.min(440, classes.length * 70));
  return {
    id: 'confusion',
    title: 'Confusion matrix',
    spec: {
      ...base('Confusion matrix', 'rows: true mood · columns: predicted mood · colour: share of the true mood'),
      width: size,
      height: size,
      data: { values },
      encoding: {
        x: { field: 'predicted', type: 'nominal', sort: [...classes], title: 'predicted mood', axis: { labelAngle: 0, orient: 'top' } },
        y: { field: 'truth', type: 'nominal', sort: [...classes], title: 'true mood' },
      },
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: { color: { field: 'share', type: 'quantitative', title: 'share of row', scale: { scheme: 'blues', domain: [0, 1] }, legend: { format: '.0%' } } } },
        {
          mark: { type: 'text', fontSize: 12 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#1f2933' },
          },
        },
      ],
    },
  };
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Mean predicted confidence of the tracks in the bin. */
  confidence: number;
  /** Share of those tracks whose prediction was right. */
  accuracy: number;
  count: number;
}

/** Reliability diagram: accuracy against confidence per bin, with the diagonal of perfect calibration. */
export function reliabilitySpec(bins: readonly ReliabilityBin[], ece?: number): ChartSpec {
  const used = bins.filter((b) => b.count > 0);
  return {
    id: 'reliability',
    title: 'Reliability diagram',
    spec: {
      ...base('Reliability: is a 70% prediction right 70% of the time?', `points sized by tracks per bin${ece !== undefined ? ` · expected calibration error ${(ece * 100).toFixed(1)}%` : ''}`),
      width: 300,
      height: 300,
      layer: [
        { data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] }, mark: { type: 'line', color: '#9aa5b1', strokeDash: [4, 3] }, encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } },
        {
          data: { values: used },
          mark: { type: 'line', point: { filled: true }, color: '#f58518' },
          encoding: {
            x: { field: 'confidence', type: 'quantitative', title: 'mean predicted probability (0–1)', scale: { domain: [0, 1] } },
            y: { field: 'accuracy', type: 'quantitative', title: 'observed accuracy (0–1)', scale: { domain: [0, 1] } },
          },
        },
        {
          data: { values: used },
          mark: { type: 'point', filled: true, color: '#f58518', opacity: 0.5 },
          encoding: { x: { field: 'confidence', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' }, size: { field: 'count', type: 'quantitative', title: 'tracks', scale: { range: [20, 400] } }, tooltip: [{ field: 'count' }, { field: 'confidence', format: '.2f' }, { field: 'accuracy', format: '.2f' }] },
        },
      ],
    },
  };
}

/** Global importance: one bar panel per method (units differ), features in the first method's order. */
export function importanceSpec(features: readonly string[], methods: readonly { id: string; label: string; values: readonly number[]; unit: string; spread?: readonly number[] }[]): ChartSpec {
  const order = methods.length ? features.map((f, j) => [f, methods[0].values[j]] as const).sort((a, b) => b[1] - a[1]).map(([f]) => f) : [...features];
  const panels = methods.map((m, k) => ({
    width: 170,
    height: Math.max(120, features.length * 18),
    title: { text: m.label, fontSize: 12 },
    data: { values: features.map((f, j) => ({ feature: f, value: m.values[j], spread: m.spread?.[j] ?? 0 })) },
    mark: { type: 'bar', color: CHART_CONFIG.range.category[k % 10] },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: order, title: k === 0 ? 'feature' : null, axis: k === 0 ? {} : { labels: false, ticks: false } },
      x: { field: 'value', type: 'quantitative', title: m.unit, axis: { tickCount: 4 } },
      tooltip: [{ field: 'feature' }, { field: 'value', format: '.4f' }],
    },
  }));
  return { id: 'importance', title: 'Global feature importance', spec: { ...base('Global feature importance, four ways', `features ordered by ${methods[0]?.label ?? 'importance'}`), hconcat: panels, spacing: 12 } };
}

/** One track's Shapley contributions as diverging bars. */
export function contributionSpec(id: string, title: string, rows: readonly { label: string; shap: number }[], mood: string): ChartSpec {
  return {
    id,
    title,
    spec: {
      ...base(title, `bars: change in the probability of ${mood} that each feature accounts for`),
      width: 380,
      height: Math.max(100, rows.length * 20),
      data: { values: rows.map((r) => ({ ...r, direction: r.shap >= 0 ? `towards ${mood}` : `away from ${mood}` })) },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'label', type: 'nominal', sort: null, title: null },
            x: { field: 'shap', type: 'quantitative', title: `Shapley value (change in P(${mood}))`, axis: { format: '+.2f', tickCount: 5 } },
            color: { field: 'direction', type: 'nominal', title: null, scale: { domain: [`towards ${mood}`, `away from ${mood}`], range: ['#54a24b', '#e45756'] }, legend: { orient: 'bottom' } },
          },
        },
        { mark: { type: 'rule', color: '#52606d' }, encoding: { x: { datum: 0 } } },
      ],
    },
  };
}
