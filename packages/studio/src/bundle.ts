// Bundles the browser code (TypeScript importing @gantry/core and tfjs) with esbuild, in memory, once
// per server. The same core sources run in Node and in the page.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// From the repository this file is src/bundle.ts and the client is TypeScript importing @gantry/core's
// sources (the gantry-source export condition); installed, it is dist/bundle.js next to compiled client code.
const fromSource = import.meta.url.endsWith('.ts');
const ext = fromSource ? 'ts' : 'js';

export interface Assets {
  /** name (e.g. 'app.js', 'tfjs-backend-wasm.wasm') -> bytes and type */
  files: Map<string, { body: Buffer; type: string }>;
}

/** The browser scripts named by `entries` (file names under client/, without extension), bundled and minified. */
export async function bundleClient(entries: Record<string, string>): Promise<Map<string, Buffer>> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(here, 'client', `${file}.${ext}`)])),
    conditions: fromSource ? ['gantry-source'] : [],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    outdir: '/assets',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    // tfjs references these node builtins behind environment checks; the browser never reaches them
    external: ['node:*', 'fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'util'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return new Map(result.outputFiles.map((f) => [f.path.replace(/^.*\//, ''), Buffer.from(f.contents)]));
}

export async function buildAssets(): Promise<Assets> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [name, body] of await bundleClient({ app: 'app', playground: 'playground' })) files.set(name, { body, type: 'text/javascript; charset=utf-8' });
  // the wasm backend's binaries, served next to the bundle
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '..');
  const distDir = readdirSync(wasmDir).includes('dist') ? join(wasmDir, 'dist') : wasmDir;
  for (const name of readdirSync(distDir).filter((n) => n.endsWith('.wasm'))) {
    files.set(name, { body: readFileSync(join(distDir, name)), type: 'application/wasm' });
  }
  return { files };
}
