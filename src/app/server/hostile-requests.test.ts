/**
 * The service against hostile but fair requests: authorisation before anything is parsed, Fastify's
 * own URL errors in the service's shape without echoing the URL, 414, refused uploads that the
 * client always reads (Expect: 100-continue), the connection cap, JSON with `__proto__` keys, and
 * an unauthenticated /health that shows no paths.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsv } from '../../io/store/import-csv.ts';
import { DATA_MOODS, startTestServer, trainFixtureModel, type RunningServer } from '../../../test/support/server-fixtures.ts';
import { resolveLimits } from './limits.ts';

const TOKEN = 'hostile-token-1c9e';
let tmp = '';
let server: RunningServer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'moodscape-hostile-'));
  const modelDir = await trainFixtureModel(tmp, { tracks: 400, epochs: 1 });
  const db = join(tmp, 'c.db');
  await importCsv(DATA_MOODS, db, { quiet: true });
  server = await startTestServer({ db, modelDir, token: TOKEN, spotify: true, limits: resolveLimits({ maxConnections: 8 }) });
});
after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Sends raw bytes on a fresh socket and returns everything the server answers until it closes. */
function rawExchange(request: string | Buffer, o: { endAfter?: number; onData?: (sofar: string, write: (b: string | Buffer) => void) => void } = {}): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
      o.onData?.(got, (b) => sock.write(b));
    });
    sock.on('error', (e) => (['ECONNRESET', 'EPIPE'].includes((e as NodeJS.ErrnoException).code ?? '') ? resolve(got) : reject(e)));
    sock.on('close', () => resolve(got));
    sock.write(request);
    if (o.endAfter !== undefined) setTimeout(() => sock.end(), o.endAfter);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

describe('authorisation comes before parsing and validation', () => {
  test('an unauthenticated write is 401 whatever its body: invalid values, broken JSON, 15 MB', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    for (const [path, body] of [
      ['/feedback', JSON.stringify({ user: 'u', trackId: 'x', kind: 'hate' })],
      ['/feedback', '{"user": '],
      ['/tracks', JSON.stringify({ tracks: 'nope' })],
      ['/tracks', '[' + '1,'.repeat(7_500_000) + '1]'],
    ] as const) {
      const r = await post(path, body);
      const text = await r.text();
      assert.equal(r.status, 401, `${path} ${body.slice(0, 40)}: ${text}`);
      assert.doesNotMatch(text, /must be one of|kind|JSON/);
    }
    const wrong = await post('/feedback', JSON.stringify({ user: 'u', trackId: 'x', kind: 'hate' }), { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    const right = await post('/feedback', JSON.stringify({ user: 'u', trackId: 'x', kind: 'hate' }), { authorization: `Bearer ${TOKEN}` });
    assert.equal(right.status, 400, 'with the token the schema answers');
  });

  test('/v1 answers 401 in Spotify\'s shape before anything else', async () => {
    const r = await fetch(`${server.url}/v1/tracks/${'x'.repeat(50)}`);
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.status, 401);
  });
});

describe('URLs', () => {
  test('a bad %-escape is a 400 in the service\'s shape that does not echo the URL', async () => {
    for (const path of ['/tracks/%ff', '/%ff-secret', '/moods/%c0%af']) {
      const raw = await rawExchange(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      assert.equal(statusOf(raw), 400, raw);
      const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode'], 'the service\'s error shape');
      assert.equal(body.error, 'Bad Request');
      assert.doesNotMatch(raw, /%ff|%c0|secret/);
    }
    const v1 = await rawExchange('GET /v1/tracks/%ff HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    assert.deepEqual(JSON.parse(v1.slice(v1.indexOf('\r\n\r\n') + 4)), { error: { status: 400, message: 'the URL is not valid (bad %-escape or characters)' } }, '/v1 in Spotify\'s shape');
    // Control characters never get past Node's parser: a plain 400, nothing echoed.
    const raw = await rawExchange('GET /tracks/\x1b[31mred HTTP/1.1\r\nhost: x\r\n\r\n');
    assert.equal(statusOf(raw), 400);
    assert.doesNotMatch(raw, /\x1b|red/);
  });

  test('an over-long id and an over-long URL are 414 URI Too Long, without the URL', async () => {
    for (const path of [`/tracks/${'a'.repeat(400)}`, `/moods?x=${'b'.repeat(9000)}`]) {
      const r = await fetch(server.url + path);
      const text = await r.text();
      assert.equal(r.status, 414, text);
      assert.equal(JSON.parse(text).error, 'URI Too Long');
      assert.doesNotMatch(text, /aaaa|bbbb/);
    }
  });
});

describe('bodies and connections', () => {
  test('a 20 MB upload with Expect: 100-continue gets 413 every time, and never an invitation', async () => {
    for (let i = 0; i < 50; i++) {
      const raw = await rawExchange(
        `POST /tracks HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${20 << 20}\r\nexpect: 100-continue\r\n\r\n`,
        { endAfter: 2000 },
      );
      assert.equal(statusOf(raw), 413, `attempt ${i + 1}: ${raw.slice(0, 80)}`);
      assert.doesNotMatch(raw, /100 Continue/);
      assert.match(raw, /"statusCode":413/);
    }
  });

  test('a 20 MB upload sent without asking gets a 413 the client reads, every time', async () => {
    const body = Buffer.alloc(20 << 20, 0x20);
    for (let i = 0; i < 10; i++) {
      const raw = await rawExchange(
        Buffer.concat([Buffer.from(`POST /tracks HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`), body]),
      );
      assert.equal(statusOf(raw), 413, `attempt ${i + 1}: ${raw.slice(0, 80)}`);
    }
  });

  test('connections over the cap are closed; the server answers again once they go', async () => {
    const { port } = new URL(server.url);
    const socks = await Promise.all(Array.from({ length: 8 }, () => new Promise<import('node:net').Socket>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => resolve(s));
      s.on('error', () => undefined);
    })));
    try {
      await new Promise((r) => setTimeout(r, 100));
      const refused = await rawExchange('GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      assert.equal(refused, '', 'the ninth connection is closed without an answer');
    } finally {
      for (const s of socks) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  test('JSON with a __proto__ key is reported as such', async () => {
    const r = await fetch(`${server.url}/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mood":"Happy","__proto__":{"x":1}}' });
    const body = await r.json();
    assert.equal(r.status, 400);
    assert.match(body.message, /__proto__/);
  });
});

describe('health', () => {
  test('unauthenticated /health shows no absolute paths', async () => {
    const text = await (await fetch(`${server.url}/health`)).text();
    assert.doesNotMatch(text, new RegExp(tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.doesNotMatch(text, /"\/[^"]*\//, text);
  });
});
