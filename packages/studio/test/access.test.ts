// The studio server's access rules over plain HTTP (no browser): run files that are symlinks out of the
// runs directory are never read, the token-for-cookie redirect stays on this server, the Host header
// must name this server (DNS rebinding), and any one valid credential is enough.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStudio, type Studio, type StudioOptions } from '../src/server.js';

const work = mkdtempSync(join(tmpdir(), 'gantry-studio-access-'));
const root = join(work, 'runs');
const SECRET = 'top-secret-outside-the-runs';
// valid JSON and JSON lines, so that a file that is followed would be parsed and served
const outsideJson = join(work, 'outside.json');
writeFileSync(outsideJson, JSON.stringify({ step: 7, secret: SECRET, data: { spec: SECRET } }));
const outsideLines = join(work, 'outside.jsonl');
writeFileSync(outsideLines, `${JSON.stringify({ step: 1, secret: SECRET })}\n`);

function makeRun(name: string, links: Record<string, string> = {}): void {
  mkdirSync(join(root, name), { recursive: true });
  for (const file of ['config.json', 'latest.json', 'metrics.jsonl']) {
    const path = join(root, name, file);
    if (links[file]) symlinkSync(links[file], path);
    else writeFileSync(path, file === 'metrics.jsonl' ? `${JSON.stringify({ step: 1, 'd/loss': 0.5 })}\n` : JSON.stringify({ step: 3, data: { spec: 'ring8' } }));
  }
}
makeRun('plain');
makeRun('config-link', { 'config.json': outsideJson });
makeRun('latest-link', { 'latest.json': outsideJson });
makeRun('metrics-link', { 'metrics.jsonl': outsideLines });

const studios: Studio[] = [];
after(async () => { for (const s of studios) await s.close(); });
async function studioWith(o: Partial<StudioOptions> = {}): Promise<Studio> {
  const s = await startStudio({ runsDir: root, port: 0, ...o });
  studios.push(s);
  return s;
}

interface Reply { status: number; location?: string; setCookie?: string[]; body: string }

/** node:http rather than fetch, so that the Host header is sent as given. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookie: res.headers['set-cookie'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (s: Studio) => ({ authorization: `Bearer ${s.token}` });

test('config.json, latest.json and metrics.jsonl that link out of the runs directory are not read', async () => {
  const s = await studioWith();
  const list = await get(s.port, '/api/runs', bearer(s));
  assert.equal(list.status, 200);
  assert.ok(!list.body.includes(SECRET), 'the run list shows an outside file');
  const names = (JSON.parse(list.body) as { name: string }[]).map((r) => r.name).sort();
  // a run is a directory with its own config.json; one that links out is no run
  assert.deepEqual(names, ['latest-link', 'metrics-link', 'plain']);
  assert.equal((await get(s.port, '/api/runs/config-link', bearer(s))).status, 404);
  assert.equal((await get(s.port, '/api/runs/config-link/metrics', bearer(s))).status, 404);

  const latest = await get(s.port, '/api/runs/latest-link', bearer(s));
  assert.equal(latest.status, 200);
  assert.ok(!latest.body.includes(SECRET), 'latest.json was followed out of the runs directory');
  assert.equal((JSON.parse(latest.body) as { latest: unknown }).latest, null);

  const metrics = await get(s.port, '/api/runs/metrics-link/metrics', bearer(s));
  assert.equal(metrics.status, 200);
  assert.ok(!metrics.body.includes(SECRET), 'metrics.jsonl was followed out of the runs directory');
  assert.deepEqual(JSON.parse(metrics.body), { records: [], next: 0 });

  // the same files inside the root are served
  const plain = await get(s.port, '/api/runs/plain/metrics', bearer(s));
  assert.equal((JSON.parse(plain.body) as { records: unknown[] }).records.length, 1);
});

test('trading the URL token for a cookie redirects only to a path on this server', async () => {
  const s = await studioWith();
  const cases: Array<[string, string]> = [
    ['/?run=plain', '/?run=plain'],
    ['/playground', '/playground'],
    ['/.//evil.example/x', '/evil.example/x'],
    ['//evil.example/x', '/evil.example/x'],
    ['/\\evil.example/x', '/evil.example/x'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ];
  for (const [path, expected] of cases) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(s.port, `${path}${sep}token=${s.token}`);
    assert.equal(r.status, 303, path);
    assert.equal(r.location, expected, path);
    assert.match(r.setCookie?.[0] ?? '', /^gantry_studio_token=.*HttpOnly/, path);
  }
});

test('the Host header must name this server unless allowed', async () => {
  const s = await studioWith();
  for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `[::1]:${s.port}`, `LOCALHOST:${s.port}`]) {
    assert.equal((await get(s.port, '/api/runs', { ...bearer(s), host })).status, 200, host);
  }
  for (const host of [`evil.example:${s.port}`, 'evil.example', `127.0.0.1:${s.port + 1}`, `localhost.evil.example:${s.port}`, `127.0.0.1:${s.port}@evil.example`]) {
    const r = await get(s.port, '/api/runs', { ...bearer(s), host });
    assert.equal(r.status, 421, host);
    assert.ok(!r.body.includes('plain'), host);
    // the token is not traded either
    assert.equal((await get(s.port, `/?token=${s.token}`, { host })).status, 421, host);
  }

  const allowing = await studioWith({ allowedHosts: ['studio.example', `proxy.example:${8443}`] });
  const ok = (host: string) => get(allowing.port, '/api/runs', { ...bearer(allowing), host }).then((r) => r.status);
  assert.equal(await ok(`studio.example:${allowing.port}`), 200);
  assert.equal(await ok('studio.example'), 200);
  assert.equal(await ok('proxy.example:8443'), 200);
  assert.equal(await ok('proxy.example:9000'), 421);
  assert.equal(await ok(`localhost:${allowing.port}`), 200);
  assert.equal(await ok(`evil.example:${allowing.port}`), 421);
});

test('a stale cookie does not hide a valid Bearer token, nor the other way round', async () => {
  const s = await studioWith();
  const stale = 'gantry_studio_token=0123456789abcdef';
  assert.equal((await get(s.port, '/api/runs', { ...bearer(s), cookie: stale })).status, 200);
  assert.equal((await get(s.port, '/api/runs', { cookie: `other=1; ${stale}; gantry_studio_token=${s.token}` })).status, 200);
  assert.equal((await get(s.port, '/api/runs', { authorization: 'Bearer wrong', cookie: `gantry_studio_token=${s.token}` })).status, 200);
  assert.equal((await get(s.port, '/api/runs', { authorization: 'Bearer wrong', cookie: stale })).status, 401);
  assert.equal((await get(s.port, '/api/runs', { authorization: s.token })).status, 401, 'a token without the Bearer scheme');
});
