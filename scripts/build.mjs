// `npm run build`: compiles every workspace package that has a tsconfig.build.json to dist/ (JavaScript and
// .d.ts), each after the workspace packages it depends on (their dist/*.d.ts are what it is checked against).
// dist/ is emptied first, so files moved or deleted in src/ leave nothing behind. Arguments: package names
// or folders to build (with what they depend on); none means all.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The root package.json's workspaces ("dir" or "dir/*"), as {name, dir, deps on other workspaces}. */
export function workspacePackages() {
  const dirs = readJson(join(root, 'package.json')).workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(parent, e.name));
  }).filter((dir) => existsSync(join(dir, 'package.json')));
  const packages = dirs.map((dir) => ({ dir, json: readJson(join(dir, 'package.json')) }));
  const names = new Set(packages.map((p) => p.json.name));
  return packages.map(({ dir, json }) => ({
    name: json.name,
    dir,
    deps: Object.keys({ ...json.dependencies, ...json.devDependencies, ...json.peerDependencies }).filter((d) => names.has(d)),
  }));
}

/** Dependencies before dependents; throws on a cycle. */
export function buildOrder(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const order = [];
  const state = new Map();
  const visit = (p, path) => {
    if (state.get(p.name) === 'done') return;
    if (state.get(p.name) === 'visiting') throw new Error(`workspace dependency cycle: ${[...path, p.name].join(' -> ')}`);
    state.set(p.name, 'visiting');
    for (const d of p.deps) visit(byName.get(d), [...path, p.name]);
    state.set(p.name, 'done');
    order.push(p);
  };
  for (const p of packages) visit(p, []);
  return order;
}

function main(args) {
  const all = buildOrder(workspacePackages());
  let wanted = all;
  if (args.length > 0) {
    const byName = new Map(all.map((p) => [p.name, p]));
    const closure = new Set();
    const add = (p) => { if (!closure.has(p.name)) { closure.add(p.name); p.deps.forEach((d) => add(byName.get(d))); } };
    for (const arg of args) {
      const p = all.find((q) => q.name === arg || relative(root, q.dir) === arg.replace(/\/$/, '') || q.dir === arg);
      if (!p) throw new Error(`build: no workspace package ${arg} (known: ${all.map((q) => q.name).join(', ')})`);
      add(p);
    }
    wanted = all.filter((p) => closure.has(p.name));
  }
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const p of wanted) {
    const config = join(p.dir, 'tsconfig.build.json');
    if (!existsSync(config)) continue;
    const started = Date.now();
    rmSync(join(p.dir, 'dist'), { recursive: true, force: true });
    const r = spawnSync(process.execPath, [tsc, '-p', config], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`build: ${p.name} failed (tsc -p ${relative(root, config)})`);
      process.exit(r.status ?? 1);
    }
    console.log(`build: ${p.name} -> ${relative(root, join(p.dir, 'dist'))} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
