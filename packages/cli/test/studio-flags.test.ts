// gantry studio's flags: usage lists only accepted flags, a bad port is a usage error (exit 2), a
// non-loopback --host warns, and --allow-host reaches the server's Host check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));
const runs = mkdtempSync(join(tmpdir(), 'gantry-studio-flags-'));

function gantry(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, GANTRY_BACKEND: 'cpu' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts `gantry studio ...`, waits for the printed URL, and returns it with what was printed to stderr. */
async function withStudio(args: string[], use: (o: { url: URL; stderr: () => string }) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [bin, 'studio', '--runs', runs, '--port', '0', ...args], { env: { ...process.env, GANTRY_BACKEND: 'cpu' } });
  let out = ''; let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stdout ${out} stderr ${err}`)), 90_000);
      child.stdout.on('data', () => {
        const m = /http:\/\/\S+/.exec(out);
        if (m) { clearTimeout(timer); resolve(new URL(m[0])); }
      });
      void exited.then((code) => reject(new Error(`gantry studio exited with ${code}: ${err}`)));
    });
    await use({ url, stderr: () => err });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function status(port: number, host: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/runs', headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('studio --help lists only flags it accepts', () => {
  const help = gantry('studio', '--help');
  assert.equal(help.code, 0);
  const listed = [...new Set(help.out.match(/--[a-z][a-z-]+/g) ?? [])];
  assert.ok(listed.includes('--allow-host'), help.out);
  for (const flag of listed.filter((f) => f !== '--help')) {
    // the bad port stops every run before a server starts; a flag the parser does not know fails first
    const r = gantry('studio', flag, 'x', '--port=-1');
    assert.doesNotMatch(r.err, /Unknown option/, `${flag} is listed by --help but rejected: ${r.err}`);
  }
});

test('studio --port must be an integer in [0, 65535]: otherwise exit code 2', () => {
  for (const port of ['70000', '65536', '-1', '1.5', 'http']) {
    const r = gantry('studio', '--runs', runs, `--port=${port}`);
    assert.equal(r.code, 2, `--port ${port}: exit ${r.code}, ${r.err}`);
    assert.match(r.err, /--port must be an integer in \[0, 65535\]/);
  }
});

test('studio on a non-loopback host warns on stderr; --allow-host names reach the Host check', { timeout: 240_000 }, async () => {
  await withStudio(['--host', '0.0.0.0', '--allow-host', 'a.example,b.example', '--allow-host', 'c.example'], async ({ url, stderr }) => {
    assert.match(stderr(), /warning: .*0\.0\.0\.0.*other machines.*plain HTTP/s);
    const token = url.searchParams.get('token') ?? '';
    const port = Number(url.port);
    for (const host of ['a.example', 'b.example', 'c.example', `0.0.0.0:${port}`, `localhost:${port}`]) assert.equal(await status(port, host, token), 200, host);
    assert.equal(await status(port, `d.example:${port}`, token), 421);
  });
  await withStudio([], async ({ url, stderr }) => {
    assert.equal(url.hostname, '127.0.0.1');
    assert.doesNotMatch(stderr(), /warning/);
  });
});
