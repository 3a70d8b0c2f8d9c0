import { resolve } from 'node:path';
import { DATA as DATA_DIR } from '../../../test/support/cli.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleReportInput } from '../../../test/support/report-sample-input.ts';
import { buildReport, buildReportPage, writeReport } from './write-report.ts';
import { renderSvg } from './render-charts.ts';
import { svgToPng } from './png.ts';

const DATA = resolve(DATA_DIR, 'mood_labelled/data_moods.csv');

/** URLs the page would load: src/href/xlink:href/action/poster/srcset attributes, CSS url() and @import. */
export function loadedUrls(html: string): string[] {
  const found: string[] = [];
  const attr = /\s(?:src|href|xlink:href|action|poster|srcset|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]+)/gi;
  const css = /(?:url\(\s*["']?|@import\s+["']?)((?:https?:)?\/\/[^"')\s]+)/gi;
  for (const re of [attr, css]) for (const m of html.matchAll(re)) found.push(m[1]);
  return found;
}

test('the full report: every section drawn, no URL that loads, no scripts', async () => {
  const input = sampleReportInput(DATA, { explainTracks: 8, epochs: 30 });
  const page = await buildReportPage(input);
  assert.deepEqual(page.errors, []);
  assert.equal(page.data.sections.filter((s) => s.skipped).length, 0);
  assert.equal(page.svgs.size, 14);
  const html = page.html;
  assert.deepEqual(loadedUrls(html), []);
  // Stricter: after stripping xmlns (already done), no http(s) URL appears at all.
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /<script|<link|<iframe|<img|@import|@font-face/i);
  for (const id of ['dataset', 'describe', 'distributions', 'correlations', 'scatter', 'clusters', 'mood-map', 'gmm', 'profiles', 'cv', 'confusion', 'reliability', 'importance', 'explanations', 'playlists']) {
    assert.match(html, new RegExp(`<section id="${id}">`));
  }
  // Ids are namespaced per chart, so clip paths never collide.
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  assert.match(html, /labels \d+\.\d% ± \d+\.\d% of held-out tracks correctly/);
});

test('sections without inputs are skipped with a note', async () => {
  const html = await buildReport({ title: 'empty' });
  assert.match(html, /Not in this report: No K-Means sweep was run\./);
  assert.doesNotMatch(html, /<svg/);
  assert.deepEqual(loadedUrls(html), []);
});

test('loadedUrls catches what a page would fetch', () => {
  assert.deepEqual(loadedUrls('<img src="https://x.org/a.png"><a href="//cdn.x/y">'), ['https://x.org/a.png', '//cdn.x/y']);
  assert.deepEqual(loadedUrls('<style>@import "https://f.io/a.css"; b{background:url(http://x/y.png)}</style>'), ['https://f.io/a.css', 'http://x/y.png']);
  assert.deepEqual(loadedUrls('<svg xmlns="http://www.w3.org/2000/svg"><a href="#sec">'), []);
});

test('writeReport writes the HTML atomically and one PNG per chart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moodscape-report-'));
  const input = { title: 'small', confusion: { classes: ['A', 'B'], matrix: [[5, 1], [2, 7]] }, cv: { accuracy: [0.7, 0.8, 0.75] } };
  const out = join(dir, 'r', 'report.html');
  const r = await writeReport(input, out, { pngDir: join(dir, 'png') });
  assert.equal(r.charts, 2);
  assert.equal(readFileSync(out).length, r.bytes);
  assert.deepEqual(readdirSync(join(dir, 'r')), ['report.html']);
  assert.deepEqual(readdirSync(join(dir, 'png')).sort(), ['confusion.png', 'cv-folds.png']);
  assert.ok(statSync(join(dir, 'png', 'confusion.png')).size > 5000);
});

test('resvg draws text only with fonts: DejaVu is passed, and no fonts is refused', async () => {
  const svg = await renderSvg({ title: 'Text here', data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' } } });
  const withFonts = svgToPng(svg, { scale: 1 });
  assert.equal(withFonts.subarray(1, 4).toString(), 'PNG');
  assert.throws(() => svgToPng(svg, { fontFiles: [] }), /no DejaVu font files/);
});
