// The studio's web server: node:http, bound to 127.0.0.1, every request checked for its Host header and
// authorised by a random token (given once in the URL, then kept in an HttpOnly cookie), serving only run
// files it names itself.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorised, hostChecker, localPathWithoutToken, TOKEN_COOKIE, urlHasToken, urlHost } from './access.js';
import { buildAssets, type Assets } from './bundle.js';
import { appPage, playgroundPage } from './pages.js';
import { listRuns, readLatest, readMetricsFrom, readRunJson, readSample, runClasses, runDescription, runDir, runKind, sampleList } from './runs.js';
import { sampleRun } from './sampler.js';

export { isLoopbackHost } from './access.js';
export { proganPageFiles, styleganPageFiles, translatePageFiles } from './export-page.js';

export interface StudioOptions {
  runsDir: string;
  port?: number;
  host?: string;
  /** default: 24 random bytes, hex */
  token?: string;
  /**
   * Host header names answered besides the bound host (and, on loopback, 127.0.0.1, localhost and [::1]
   * with the port): "name" for any port, "name:port" for one, "*" for any Host at all.
   */
  allowedHosts?: string[];
}

export interface Studio {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  });
  res.end(body);
}

const json = (res: ServerResponse, value: unknown, status = 200) => send(res, status, JSON.stringify(value), 'application/json');

/** ?psi= of "sample now": a truncation in (0, 1] for a StyleGAN run, else absent; a string is the refusal. */
function truncationParameter(value: string | null, stylegan: boolean): number | undefined | string {
  if (value === null) return undefined;
  if (!stylegan) return 'psi (truncation) applies to StyleGAN runs only';
  const psi = /^\s*[0-9.eE+-]+\s*$/.test(value) ? Number(value) : NaN;
  return psi > 0 && psi <= 1 ? psi : `psi (truncation) must be a number in (0, 1], got ${JSON.stringify(value)}`;
}

/**
 * ?class= of "sample now": a class index of a conditional StyleGAN or ProGAN run, else absent (a conditional
 * run then cycles through its classes); a string is the refusal, listing the run's classes.
 */
function classParameter(value: string | null, classes: readonly string[] | undefined): number | undefined | string {
  if (value === null) return undefined;
  if (!classes) return 'class applies to conditional StyleGAN and ProGAN runs only (gantry train --conditional)';
  const index = /^\d+$/.test(value) ? Number(value) : NaN;
  if (index < classes.length) return index;
  return `class must be a class index of this run, got ${JSON.stringify(value)}; its ${classes.length} classes are ${classes.map((name, i) => `${i} ${JSON.stringify(name)}`).join(', ')}`;
}

export async function startStudio(o: StudioOptions): Promise<Studio> {
  const token = o.token ?? randomBytes(24).toString('hex');
  const host = o.host ?? '127.0.0.1';
  const root = o.runsDir;
  const assets: Assets = await buildAssets();
  let sampling = Promise.resolve();
  // known once the port is bound
  let hostAllowed: (header: string | undefined) => boolean = () => false;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host)) {
      send(res, 421, `gantry studio: this server does not answer to Host ${JSON.stringify(req.headers.host ?? '')}; allow it with --allow-host (allowedHosts)\n`);
      return;
    }
    // only origin-form targets ("/path?query"), appended to a base so that "//name/path" stays a path
    const target = req.url ?? '';
    if (!target.startsWith('/')) return send(res, 400, 'bad request target\n');
    const url = new URL(`http://studio.invalid${target}`);
    if (urlHasToken(url, token)) {
      // trade the URL token for a cookie, and drop it from the address bar
      send(res, 303, '', 'text/plain', {
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: localPathWithoutToken(url),
      });
      return;
    }
    if (!authorised(req, token)) {
      send(res, 401, 'gantry studio: open the URL with ?token=... that "gantry studio" printed\n');
      return;
    }
    // routes match on the raw path segments, so encoded separators never become path components
    const segments = url.pathname.split('/').slice(1).map((s) => {
      try { return decodeURIComponent(s); } catch { return '\0'; }
    });
    const [a, b, c, d] = segments;
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') return send(res, 200, appPage(), 'text/html; charset=utf-8');
    if (method === 'GET' && url.pathname === '/playground') return send(res, 200, playgroundPage(), 'text/html; charset=utf-8');
    if (method === 'GET' && a === 'assets' && segments.length === 2) {
      const f = assets.files.get(b);
      return f ? send(res, 200, f.body, f.type) : send(res, 404, 'not found\n');
    }
    if (a === 'api' && b === 'runs') {
      if (method === 'GET' && segments.length === 2) return json(res, listRuns(root));
      if (c === undefined || runDir(root, c) === undefined) return send(res, 404, 'no such run\n');
      if (method === 'GET' && segments.length === 3) {
        return json(res, {
          name: c, kind: runKind(root, c) ?? null, config: readRunJson(root, c, runDescription(root, c)!), latest: readLatest(root, c) ?? null,
          samples: sampleList(root, c), classes: runClasses(root, c) ?? null,
        });
      }
      if (method === 'GET' && d === 'metrics' && segments.length === 4) {
        const from = Number(url.searchParams.get('from') ?? 0);
        return json(res, readMetricsFrom(root, c, Number.isInteger(from) && from >= 0 ? from : 0));
      }
      if (method === 'GET' && d === 'samples' && segments.length === 5) {
        const sample = readSample(root, c, segments[4]);
        return sample ? send(res, 200, sample.body, sample.type) : send(res, 404, 'not found\n');
      }
      if (method === 'POST' && d === 'sample' && segments.length === 4) {
        const n = Math.min(1024, Math.max(1, Number(url.searchParams.get('n') ?? 64) || 64));
        const seed = Number(url.searchParams.get('seed') ?? Date.now() % 100000) || 0;
        const psi = truncationParameter(url.searchParams.get('psi'), runDescription(root, c) === 'stylegan.json');
        if (typeof psi === 'string') return json(res, { error: psi }, 400);
        const classIndex = classParameter(url.searchParams.get('class'), runClasses(root, c));
        if (typeof classIndex === 'string') return json(res, { error: classIndex }, 400);
        // one sampling at a time keeps memory bounded
        const job = sampling.then(() => sampleRun(root, c, { n, seed, psi, classIndex }));
        sampling = job.then(() => undefined, () => undefined);
        try {
          return json(res, await job);
        } catch (e) {
          return json(res, { error: (e as Error).message }, 409);
        }
      }
    }
    send(res, 404, 'not found\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(e as Error).message}\n`);
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  hostAllowed = hostChecker(host, port, o.allowedHosts);
  return {
    url: `http://${urlHost(host)}:${port}/?token=${token}`,
    port,
    token,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
