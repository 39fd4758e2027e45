// Re-vendors tfjs-layers' own jasmine specs (tfjs repository, tfjs-layers/src/**/*_test.ts) into
// specs.tar.gz, the only change being a mechanical import rewrite, and records where they came from
// in sources.json. The specs are not on npm (the package ships dist/ without tests) and CI reaches
// only npm and Debian, hence the vendored copy.
//
//   git clone --bare --filter=blob:none https://github.com/tensorflow/tfjs /tmp/tfjs.git
//   node --import tsx packages/tfjs-backend-torch/test/layers-conformance/vendor.ts --git-dir /tmp/tfjs.git
//        [--ref tfjs-v4.22.0] [--out-dir <dir>]
//
// All 72 spec files go in (166 KB gzipped); spec-files.ts' CI_FILES says which of them CI runs.
//
// The rewrite: a relative import of a library module ('../engine/topology', '../index') becomes the
// same module of the installed package ('@tensorflow/tfjs-layers/dist/engine/topology.js'), so the
// specs test the code we ship with, as one module instance. Two relative imports stay: test_utils
// (the runner puts our copy, test_utils.ts beside this script, at utils/test_utils.ts) and imports
// of another vendored file. Anything else that does not resolve to a file of dist/ is an error.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const layersDist = join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-layers', 'dist');
const VERSION = '4.22.0';

interface Args { gitDir: string; ref: string; outDir?: string }

function parseArgs(argv: string[]): Args {
  let gitDir: string | undefined;
  let ref = `tfjs-v${VERSION}`;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--git-dir') gitDir = argv[++i];
    else if (arg === '--ref') ref = argv[++i];
    else if (arg === '--out-dir') outDir = argv[++i];
    else throw new Error(`vendor: unknown argument ${arg}`);
  }
  if (gitDir == null) throw new Error('vendor: --git-dir <bare clone of github.com/tensorflow/tfjs> is required');
  return { gitDir, ref, outDir };
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The module of dist/ a spec's relative import names, or null where dist has none. */
function distModule(resolved: string): string | null {
  if (existsSync(join(layersDist, `${resolved}.js`))) return `${resolved}.js`;
  if (existsSync(join(layersDist, resolved, 'index.js'))) return `${resolved}/index.js`;
  return null;
}

/** Rewrites one spec's relative imports; `file` is its path under tfjs-layers/src. */
export function rewriteImports(file: string, text: string, vendored: ReadonlySet<string>): string {
  return text.replace(/(\bfrom\s+|\bimport\s+)'(\.{1,2}\/[^']*)'/g, (match, keyword: string, spec: string) => {
    const resolved = posix.normalize(posix.join(posix.dirname(file), spec));
    if (resolved === 'utils/test_utils' || vendored.has(`${resolved}.ts`)) return match;
    const target = distModule(resolved);
    if (target == null) throw new Error(`vendor: ${file} imports '${spec}', which is neither vendored nor in tfjs-layers' dist/`);
    return `${keyword}'@tensorflow/tfjs-layers/dist/${target}'`;
  });
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const commit = git(args.gitDir, 'rev-parse', `${args.ref}^{commit}`).trim();
  const pkg = JSON.parse(git(args.gitDir, 'show', `${commit}:tfjs-layers/package.json`)) as { version: string };
  if (pkg.version !== VERSION) throw new Error(`vendor: ${args.ref} has tfjs-layers ${pkg.version}, not ${VERSION}`);
  const installed = JSON.parse(readFileSync(join(layersDist, '..', 'package.json'), 'utf8')) as { version: string };
  if (installed.version !== VERSION) throw new Error(`vendor: node_modules has tfjs-layers ${installed.version}, not ${VERSION}`);

  const allSpecs = git(args.gitDir, 'ls-tree', '-r', '--name-only', commit, 'tfjs-layers/src')
    .split('\n').filter((p) => p.endsWith('_test.ts')).map((p) => p.slice('tfjs-layers/src/'.length)).sort();
  const files = allSpecs;
  const vendored = new Set(files);

  const staging = mkdtempSync(join(tmpdir(), 'gantry-layers-vendor-'));
  const sources: { file: string; blob: string; bytes: number }[] = [];
  for (const file of files) {
    const upstreamPath = `tfjs-layers/src/${file}`;
    const text = git(args.gitDir, 'show', `${commit}:${upstreamPath}`);
    sources.push({ file, blob: git(args.gitDir, 'rev-parse', `${commit}:${upstreamPath}`).trim(), bytes: Buffer.byteLength(text) });
    const out = join(staging, file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, rewriteImports(file, text, vendored));
  }
  writeFileSync(join(here, 'LICENSE'), git(args.gitDir, 'show', `${commit}:tfjs-layers/LICENSE`));

  // A reproducible archive: sorted names, fixed owner and time, gzip without a timestamp.
  const archive = join(here, 'specs.tar.gz');
  const tar = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner',
    '--format=gnu', '-C', staging, '-cf', '-', ...files], { maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(archive, execFileSync('gzip', ['-n', '-9'], { input: tar, maxBuffer: 64 * 1024 * 1024 }));
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  writeFileSync(join(here, 'sources.json'), JSON.stringify({
    repository: 'https://github.com/tensorflow/tfjs', ref: args.ref, commit, version: VERSION,
    archive: 'specs.tar.gz', sha256, files: sources,
  }, null, 2) + '\n');
  if (args.outDir != null) {
    mkdirSync(args.outDir, { recursive: true });
    execFileSync('cp', ['-r', `${staging}/.`, args.outDir]);
  }
  rmSync(staging, { recursive: true, force: true });
  const bytes = sources.reduce((s, f) => s + f.bytes, 0);
  console.log(`vendored ${files.length} spec files (${(bytes / 1024).toFixed(0)} KB) from ${args.ref} = ${commit} -> ` +
    `${archive} (${(readFileSync(archive).length / 1024).toFixed(0)} KB)`);
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
