/// <reference lib="dom" />
/**
 * The moodscape web app: pick a mood or a context, add seed tracks, tune a few attributes, get a
 * playlist with moods, confidence and reasons, see it on the mood map, like or skip tracks and
 * export M3U. Talks only to its own server (same origin); compiled by esbuild when the server starts.
 */

interface Mood { name: string; tracks: number }
interface Context { name: string; description: string; rules: string[] }
interface Track {
  id: string; name: string; artist: string; genre?: string; mood: string; confidence: number; score: number; why: string[];
  map: { x: number; y: number } | null;
}
interface RecResponse { tracks: Track[]; warnings: string[]; pool: { initial: number; afterFiltering: number } }
interface MapResponse { points: { id: string; x: number; y: number; mood: string }[]; centroids: { mood: string; x: number; y: number }[] }
interface ApiErrorBody { message?: string; field?: string }

const KNOBS: { name: string; label: string; min: number; max: number; step: number; value: number }[] = [
  { name: 'energy', label: 'Energy', min: 0, max: 1, step: 0.01, value: 0.6 },
  { name: 'valence', label: 'Positivity', min: 0, max: 1, step: 0.01, value: 0.6 },
  { name: 'danceability', label: 'Danceability', min: 0, max: 1, step: 0.01, value: 0.6 },
  { name: 'acousticness', label: 'Acoustic', min: 0, max: 1, step: 0.01, value: 0.3 },
  { name: 'tempo', label: 'Tempo (BPM)', min: 40, max: 200, step: 1, value: 120 },
];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag: string, attrs: Record<string, string | number>): SVGElement => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

const state = {
  moods: [] as string[],
  seeds: new Map<string, string>(),
  tracks: [] as Track[],
  feedback: new Map<string, 'like' | 'skip'>(),
  map: null as MapResponse | null,
};

function status(msg: string, error = false): void {
  const s = $('status');
  s.textContent = msg;
  s.className = error ? 'error' : '';
}

async function api<T>(method: string, path: string, body?: unknown, auth = false): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = ($('token') as HTMLInputElement).value.trim();
  if (auth && token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : {}; } catch { json = {}; }
  if (!res.ok) {
    const e = json as ApiErrorBody;
    throw new Error(e.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

function moodClass(mood: string): string {
  const i = state.moods.indexOf(mood);
  return `c${(i < 0 ? 9 : i) % 10}`;
}

// ---- the query ------------------------------------------------------------------------------

function buildKnobs(): void {
  const fs = $('knobs');
  for (const k of KNOBS) {
    const row = el('div', { class: 'knob' });
    const use = el('label');
    const box = el('input', { type: 'checkbox', id: `use-${k.name}` }) as HTMLInputElement;
    use.append(box, ` ${k.label}`);
    const range = el('input', { type: 'range', id: `knob-${k.name}`, min: String(k.min), max: String(k.max), step: String(k.step), value: String(k.value), 'aria-label': k.label }) as HTMLInputElement;
    range.disabled = true;
    const out = el('output', { for: `knob-${k.name}` }, String(k.value));
    range.addEventListener('input', () => { out.textContent = range.value; });
    box.addEventListener('change', () => { range.disabled = !box.checked; });
    row.append(use, range, out);
    fs.append(row);
  }
}

function user(): string {
  return ($('user') as HTMLInputElement).value.trim() || 'web';
}

function query(): Record<string, unknown> {
  const q: Record<string, unknown> = { limit: Number(($('limit') as HTMLInputElement).value) || 20, user: user() };
  const mood = ($('mood') as HTMLSelectElement).value;
  const context = ($('context') as HTMLSelectElement).value;
  if (mood) q.mood = mood;
  if (context) q.context = context;
  if (state.seeds.size) q.seeds = [...state.seeds.keys()];
  const target: Record<string, number> = {};
  for (const k of KNOBS) {
    if (($(`use-${k.name}`) as HTMLInputElement).checked) target[k.name] = Number(($(`knob-${k.name}`) as HTMLInputElement).value);
  }
  if (Object.keys(target).length) q.target = target;
  return q;
}

/** The same query as GET /recommend parameters (for the M3U link). */
function queryString(q: Record<string, unknown>, extra: Record<string, string>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (k === 'target') for (const [t, x] of Object.entries(v as Record<string, number>)) p.set(`target_${t}`, String(x));
    else if (Array.isArray(v)) p.set(k, v.join(','));
    else p.set(k, String(v));
  }
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

// ---- seeds ----------------------------------------------------------------------------------

let searchTimer: number | undefined;
function onSearch(): void {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(async () => {
    const q = ($('search') as HTMLInputElement).value.trim();
    const list = $('search-results');
    list.replaceChildren();
    if (q.length < 2) return;
    try {
      const res = await api<{ items: { id: string; name: string | null; artist: string | null; mood: string | null }[] }>('GET', `/tracks?q=${encodeURIComponent(q)}&limit=8`);
      for (const t of res.items) {
        const li = el('li');
        const label = `${t.name ?? t.id}${t.artist ? ` — ${t.artist}` : ''}`;
        const add = el('button', { type: 'button', 'aria-label': `add ${label} as a seed` }, '+ seed');
        add.addEventListener('click', () => addSeed(t.id, label));
        li.append(el('span', {}, label), add);
        list.append(li);
      }
      if (!res.items.length) list.append(el('li', {}, 'no match'));
    } catch (e) { status((e as Error).message, true); }
  }, 250);
}

function addSeed(id: string, label: string): void {
  if (state.seeds.size >= 5) { status('at most 5 seed tracks', true); return; }
  state.seeds.set(id, label);
  renderSeeds();
  ($('search') as HTMLInputElement).value = '';
  $('search-results').replaceChildren();
}

function renderSeeds(): void {
  const ul = $('seeds');
  ul.replaceChildren();
  for (const [id, label] of state.seeds) {
    const li = el('li', {}, label);
    const rm = el('button', { type: 'button', 'aria-label': `remove ${label}` }, '×');
    rm.addEventListener('click', () => { state.seeds.delete(id); renderSeeds(); });
    li.append(rm);
    ul.append(li);
  }
}

// ---- playlist -------------------------------------------------------------------------------

async function getPlaylist(note?: string): Promise<void> {
  const q = query();
  const go = $('go') as HTMLButtonElement;
  go.disabled = true;
  status('building your playlist …');
  try {
    const res = await api<RecResponse>('POST', '/recommend', q);
    state.tracks = res.tracks;
    renderPlaylist(res, note);
    ($('export') as HTMLAnchorElement).href = `/recommend?${queryString(q, { format: 'm3u' })}`;
    status(note ?? `${res.tracks.length} tracks from ${res.pool.afterFiltering} that fit`);
  } catch (e) {
    status((e as Error).message, true);
  } finally {
    go.disabled = false;
  }
}

function renderPlaylist(res: RecResponse, note?: string): void {
  $('playlist-section').hidden = false;
  $('playlist-note').textContent = res.warnings.join(' ');
  const ol = $('playlist');
  ol.replaceChildren();
  res.tracks.forEach((t) => {
    const li = el('li', { 'data-id': t.id });
    li.append(el('div', { class: 'track-title' }, `${t.name || t.id}${t.artist ? ` — ${t.artist}` : ''}`));
    const meta = el('div', { class: 'track-meta' });
    meta.append(el('span', { class: `mood ${moodClass(t.mood)}` }, t.mood));
    const m = el('meter', { min: '0', max: '1', value: String(t.confidence), 'aria-label': 'confidence' });
    meta.append(m, el('span', {}, `${Math.round(t.confidence * 100)}% sure`), el('span', {}, `score ${t.score.toFixed(2)}`));
    if (t.genre) meta.append(el('span', {}, t.genre));
    li.append(meta);
    const why = el('details');
    why.append(el('summary', {}, 'why this track'));
    const ul = el('ul', { class: 'why' });
    for (const w of t.why) ul.append(el('li', {}, w));
    why.append(ul);
    li.append(why);
    const actions = el('div', { class: 'actions' });
    const like = el('button', { type: 'button', class: 'like', 'aria-label': `like ${t.name}` }, '♥ Like');
    const skip = el('button', { type: 'button', class: 'skip', 'aria-label': `skip ${t.name}` }, 'Skip');
    if (state.feedback.get(t.id) === 'like') like.classList.add('liked');
    like.addEventListener('click', () => feedback(t, 'like'));
    skip.addEventListener('click', () => feedback(t, 'skip'));
    actions.append(like, skip);
    li.append(actions);
    ol.append(li);
  });
  if (note) $('playlist-note').textContent = [note, ...res.warnings].join(' ');
  drawMap();
}

async function feedback(t: Track, kind: 'like' | 'skip'): Promise<void> {
  try {
    await api('POST', '/feedback', { user: user(), trackId: t.id, kind }, true);
    state.feedback.set(t.id, kind);
    await getPlaylist(`${kind === 'like' ? 'Liked' : 'Skipped'} “${t.name || t.id}” — playlist updated for ${user()}'s taste.`);
  } catch (e) {
    status(`${(e as Error).message}${/token/i.test((e as Error).message) ? ' (set the token under Settings)' : ''}`, true);
  }
}

// ---- mood map -------------------------------------------------------------------------------

function drawMap(): void {
  const root = $('map') as unknown as SVGSVGElement;
  root.replaceChildren();
  const m = state.map;
  if (!m || !m.points.length) return;
  const all = [...m.points, ...state.tracks.filter((t) => t.map).map((t) => t.map!)];
  const xs = all.map((p) => p.x), ys = all.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 400, H = 300, pad = 12;
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (y: number) => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  for (const p of m.points) root.append(svg('circle', { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: 2, class: `pt ${moodClass(p.mood)}` }));
  for (const c of m.centroids) {
    const t = svg('text', { x: sx(c.x).toFixed(1), y: sy(c.y).toFixed(1), 'text-anchor': 'middle', class: `centroid ${moodClass(c.mood)}` });
    t.textContent = c.mood;
    root.append(t);
  }
  state.tracks.forEach((t, i) => {
    if (!t.map) return;
    const g = svg('g', { class: 'pick-g' });
    const title = svg('title', {});
    title.textContent = `${i + 1}. ${t.name} — ${t.mood}`;
    g.append(title, svg('circle', { cx: sx(t.map.x).toFixed(1), cy: sy(t.map.y).toFixed(1), r: 5, class: 'pick' }));
    const label = svg('text', { x: (sx(t.map.x) + 6).toFixed(1), y: (sy(t.map.y) - 4).toFixed(1), class: 'pick-label' });
    label.textContent = String(i + 1);
    g.append(label);
    root.append(g);
  });
}

function renderLegend(): void {
  const ul = $('legend');
  ul.replaceChildren();
  for (const mood of state.moods) {
    const li = el('li');
    li.append(el('span', { class: `sw ${moodClass(mood)}` }), mood);
    ul.append(li);
  }
}

// ---- start ----------------------------------------------------------------------------------

async function start(): Promise<void> {
  buildKnobs();
  const token = $('token') as HTMLInputElement;
  const userInput = $('user') as HTMLInputElement;
  token.value = localStorage.getItem('moodscape.token') ?? '';
  userInput.value = localStorage.getItem('moodscape.user') ?? userInput.value;
  token.addEventListener('change', () => localStorage.setItem('moodscape.token', token.value));
  userInput.addEventListener('change', () => localStorage.setItem('moodscape.user', userInput.value));
  $('search').addEventListener('input', onSearch);
  $('go').addEventListener('click', () => void getPlaylist());
  try {
    const [moods, contexts] = await Promise.all([
      api<{ moods: Mood[] }>('GET', '/moods'),
      api<{ contexts: Context[] }>('GET', '/contexts'),
    ]);
    state.moods = moods.moods.map((m) => m.name);
    const ms = $('mood') as HTMLSelectElement;
    for (const m of moods.moods) ms.append(el('option', { value: m.name }, `${m.name} (${m.tracks})`));
    const cs = $('context') as HTMLSelectElement;
    for (const c of contexts.contexts) cs.append(el('option', { value: c.name }, c.name));
    cs.addEventListener('change', () => {
      const c = contexts.contexts.find((x) => x.name === cs.value);
      $('context-about').textContent = c ? `${c.description}: ${c.rules.join('; ')}` : '';
    });
    renderLegend();
    document.body.dataset.ready = 'true';
    state.map = await api<MapResponse>('GET', '/map?limit=1200');
    drawMap();
  } catch (e) {
    status(`cannot reach the server: ${(e as Error).message}`, true);
  }
}

void start();
