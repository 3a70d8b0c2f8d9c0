/**
 * The report in a real browser: Debian's chromium through playwright-core (never a downloaded
 * browser), offline, fresh profile. Asserts no console errors and no failed or external requests,
 * that every chart has drawn marks, and saves a screenshot under artifacts/ (git-ignored).
 */
import { DATA as DATA_DIR } from './support/cli.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { sampleReportInput } from './support/report-sample-input.ts';
import { writeReport } from '../src/io/report/write-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const DATA = resolve(DATA_DIR, 'mood_labelled/data_moods.csv');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the report opens in headless Chromium: no errors, no requests, every chart drawn', { timeout: 180_000 }, async () => {
  // A missing tool fails the suite rather than skipping it (.ci/run installs chromium).
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is not installed`);
  const dir = mkdtempSync(join(tmpdir(), 'moodscape-browser-'));
  const profile = join(dir, 'profile');
  const reportPath = join(dir, 'report.html');
  const written = await writeReport(sampleReportInput(DATA, { explainTracks: 8, epochs: 40 }), reportPath);
  assert.deepEqual(written.errors, []);

  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    const failed: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('request', (r) => requests.push(r.url()));

    const url = pathToFileURL(reportPath).href;
    await page.goto(url, { waitUntil: 'load' });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(failed, []);
    assert.deepEqual(requests.filter((u) => u !== url), [], 'the page loads nothing but itself');

    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        // Data marks: vega tags each mark group with its role (mark-rect, mark-symbol, mark-line …).
        const marks = svg ? svg.querySelectorAll('g[class*="mark-"]:not(.mark-group) > path, g[class*="mark-"]:not(.mark-group) > rect, g.mark-symbol > path, g.mark-line > path, g.mark-area > path').length : 0;
        const drawn = svg ? [...svg.querySelectorAll('path, rect')].filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 || b.height > 0; }).length : 0;
        const texts = svg ? [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim().length > 0).length : 0;
        return { id: f.getAttribute('data-chart'), marks, drawn, texts, w: box?.width ?? 0, h: box?.height ?? 0 };
      }),
    );
    assert.equal(charts.length, 14);
    for (const c of charts) {
      assert.ok(c.marks > 0, `${c.id}: no data marks`);
      assert.ok(c.drawn > 0, `${c.id}: nothing drawn`);
      assert.ok(c.texts >= 3, `${c.id}: no title/axis text`);
      assert.ok(c.w > 100 && c.h > 80, `${c.id}: ${c.w}×${c.h}`);
    }

    const artifacts = resolve('artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-top.png') });
    await page.screenshot({ path: join(artifacts, 'report-full.png'), fullPage: true });
    await page.locator('#cv').screenshot({ path: join(artifacts, 'report-cv.png') });
    await page.locator('#explanations').screenshot({ path: join(artifacts, 'report-explanations.png') });
    assert.ok(existsSync(join(artifacts, 'report-full.png')));
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
