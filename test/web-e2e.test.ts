/**
 * The web app end to end in Debian's chromium (playwright-core, never a downloaded browser), fresh
 * profile, offline: pick a context, get a playlist, like a track and see the playlist change, skip
 * one and see it go, check the mood map and the M3U export, and on a phone-sized viewport check
 * that nothing overflows. Screenshots go to artifacts/ (git-ignored).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { importCsv } from '../src/io/store/import-csv.ts';
import { DATA_MOODS, startTestServer, trainFixtureModel, type RunningServer } from './support/server-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TOKEN = 'e2e-token-1c9d';
const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts');

let dir = '';
let server: RunningServer | undefined;
let context: BrowserContext | undefined;

before(async () => {
  // A missing tool fails the suite rather than skipping it (.ci/run installs chromium).
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is not installed`);
  dir = mkdtempSync(join(tmpdir(), 'moodscape-web-'));
  const modelDir = await trainFixtureModel(dir);
  const db = join(dir, 'catalogue.db');
  await importCsv(DATA_MOODS, db, { quiet: true });
  server = await startTestServer({ db, modelDir, token: TOKEN });
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1200, height: 1000 },
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function playlistIds(page: Page): Promise<string[]> {
  return page.$$eval('#playlist > li', (lis) => lis.map((li) => li.getAttribute('data-id') ?? ''));
}

test('web app: pick a context, get a playlist, like and skip tracks, see it change; phone viewport', { timeout: 240_000 }, async () => {
  const base = server!.url;
  const page = context!.pages()[0] ?? (await context!.newPage());
  const problems: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  assert.ok(await page.$$eval('#context option', (o) => o.length) > 5, 'contexts are listed');
  assert.ok(await page.$$eval('#mood option', (o) => o.length) === 5, 'four moods and "any mood"');
  await page.waitForSelector('#map circle.pt');

  // The token for likes and skips, as a person would enter it.
  await page.click('#settings summary');
  await page.fill('#token', TOKEN);
  await page.dispatchEvent('#token', 'change');
  await page.click('#settings summary');

  // Pick a context and get a playlist.
  await page.selectOption('#context', 'workout');
  assert.match(await page.textContent('#context-about') ?? '', /energy/);
  await page.click('#go');
  await page.waitForSelector('#playlist > li');
  const first = await playlistIds(page);
  assert.ok(first.length >= 5, `a playlist: ${first.length} tracks`);
  const moods = await page.$$eval('#playlist .mood', (els) => els.map((e) => e.textContent));
  assert.ok(moods.every((m) => m === 'Energetic' || m === 'Happy'), `workout moods: ${moods.join(', ')}`);
  assert.ok(await page.$$eval('#playlist meter', (m) => m.length) === first.length, 'confidence per track');
  const whyBefore = await page.$$eval('#playlist .why', (els) => els.map((e) => e.textContent ?? '').join('\n'));
  assert.match(whyBefore, /context workout/);
  assert.equal(await page.$$eval('#map circle.pick', (c) => c.length), first.length, 'each track is ringed on the map');
  await page.screenshot({ path: join(ARTIFACTS, 'web-app-playlist.png'), fullPage: true });

  // Like the last track: the playlist is rebuilt with the user's taste.
  const statusBefore = await page.textContent('#status');
  await page.click('#playlist > li:last-child button.like');
  await page.waitForFunction((s) => document.querySelector('#status')?.textContent !== s && /Liked/.test(document.querySelector('#status')?.textContent ?? ''), statusBefore);
  const whyAfter = await page.$$eval('#playlist .why', (els) => els.map((e) => e.textContent ?? '').join('\n'));
  assert.match(whyAfter, /taste of web \(1 like/, 'the reasons show the taste shift');
  assert.notEqual(whyAfter, whyBefore, 'the result changed');
  const afterLike = await playlistIds(page);

  // Skip the first track: it leaves the playlist.
  await page.click('#playlist > li:first-child button.skip');
  await page.waitForFunction(() => /Skipped/.test(document.querySelector('#status')?.textContent ?? ''));
  const afterSkip = await playlistIds(page);
  assert.ok(!afterSkip.includes(afterLike[0]), 'the skipped track is gone');
  assert.notDeepEqual(afterSkip, first);

  // Seeds: search and add one.
  await page.fill('#search', 'prince');
  await page.waitForSelector('#search-results button');
  await page.click('#search-results li:first-child button');
  assert.equal(await page.$$eval('#seeds li', (l) => l.length), 1);
  await page.selectOption('#context', '');
  await page.check('#use-energy');
  await page.fill('#knob-energy', '0.8');
  await page.click('#go');
  await page.waitForFunction(() => /tracks from/.test(document.querySelector('#status')?.textContent ?? ''));
  const seeded = await page.$$eval('#playlist .why', (els) => els.map((e) => e.textContent ?? '').join('\n'));
  assert.match(seeded, /Prince/i, 'reasons name the seed');

  // Export M3U: the link is a GET /recommend with format=m3u.
  const href = await page.getAttribute('#export', 'href');
  assert.match(href ?? '', /format=m3u/);
  const m3u = await fetch(new URL(href!, base));
  assert.equal(m3u.status, 200);
  assert.match(await m3u.text(), /^#EXTM3U\n#EXTINF:/);
  await page.screenshot({ path: join(ARTIFACTS, 'web-app.png'), fullPage: true });

  // Phone-sized viewport: everything fits the width, controls stay usable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  const go = await page.$eval('#go', (b) => { const r = b.getBoundingClientRect(); return { w: r.width, h: r.height }; });
  assert.ok(go.h >= 36, 'the main button is big enough to tap');
  await page.screenshot({ path: join(ARTIFACTS, 'web-app-phone.png'), fullPage: true });

  assert.deepEqual(problems, [], 'no console errors or failed requests');
  assert.deepEqual(external, [], 'the page loads nothing from anywhere else');
});

mkdirSync(ARTIFACTS, { recursive: true });
