// Packages a user can install (issue 15): build every workspace package, `npm pack` each, install the
// tarballs into an empty project (registry dependencies from npm's cache when it has them: --prefer-offline),
// and there, with plain node (no tsx, no gantry-source condition): run the root README's example (ring8 on
// the torch backend), the gantry binary, the studio's server and its client bundle, and bundle the
// installed @gantry/core for the browser (no Node built-in in it). The engine's install script runs during the install; to keep this
// test near a minute it installs the addon this checkout already built (GANTRY_TORCH_PREBUILT) instead of
// compiling it again: GANTRY_PACK_COMPILE=1 compiles it from the tarball's sources (a few minutes).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeBuiltinsInBrowserBundle } from '../../core/test/browser-bundle.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const builtAddon = join(repo, 'packages/tfjs-backend-torch/native/build/Release/gantry_torch.node');
const compile = process.env.GANTRY_PACK_COMPILE === '1';

/** This environment without npm's per-run variables and NODE_OPTIONS: what a user's shell would have. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k.toLowerCase().startsWith('npm_') && !keep.has(k.toLowerCase())) && k !== 'NODE_OPTIONS'));
  return { ...env, ...extra };
}

/** Runs a command that must succeed; returns stdout and stdout + stderr. */
function run(command: string, args: string[], options: SpawnSyncOptions & { what: string }): { stdout: string; all: string } {
  const started = Date.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000, ...options });
  const stdout = String(r.stdout ?? '');
  const all = `${stdout}${String(r.stderr ?? '')}`;
  assert.equal(r.status, 0, `${options.what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${all.slice(-6000)}`);
  console.log(`# ${options.what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { stdout, all };
}

interface PackResult { name: string; filename: string; files: { path: string }[] }

/** The root README's example: the one ```js block that calls trainGan. */
function readmeExample(): string {
  const blocks = [...readFileSync(join(repo, 'README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const examples = blocks.filter((b) => b.includes('trainGan('));
  assert.equal(examples.length, 1, 'README.md should have one ```js block calling trainGan');
  return examples[0];
}

test('the packed packages install into an empty project and work there with plain node', { timeout: 900_000 }, async () => {
  const example = readmeExample();
  const steps = Number(/steps: (\d+)/.exec(example)?.[1]);
  assert.ok(steps >= 200 && steps <= 1000, `the README example should train a few hundred steps, not ${steps}`);
  assert.ok(compile || existsSync(builtAddon), `no addon at ${builtAddon} to install (npm run build:native)`);

  const work = mkdtempSync(join(tmpdir(), 'gantry-pack-'));
  try {
    run(process.execPath, [join(repo, 'scripts/build.mjs')], { cwd: repo, what: 'npm run build' });
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = JSON.parse(run('npm', ['pack', '--workspaces', '--json', '--pack-destination', tarballs],
      { cwd: repo, env: userEnv(), what: 'npm pack --workspaces' }).stdout.replace(/^[^[]*/, '').replace(/[^\]]*$/, '')) as PackResult[];

    // every exports/bin/types target is in its tarball; no sources or tests are
    for (const p of packed) {
      const json = JSON.parse(readFileSync(join(repo, 'node_modules', p.name, 'package.json'), 'utf8')) as
        { exports?: Record<string, string | Record<string, string>>; bin?: Record<string, string>; types?: string };
      const files = new Set(p.files.map((f) => f.path));
      const targets = [
        ...Object.values(json.exports ?? {}).flatMap((conditions) => typeof conditions === 'string' ? [conditions]
          : Object.entries(conditions).filter(([c]) => c !== 'gantry-source').map(([, t]) => t)),
        ...Object.values(json.bin ?? {}), ...(json.types ? [json.types] : []),
      ].map((t) => t.replace(/^\.\//, ''));
      for (const t of targets) assert.ok(files.has(t), `${p.name}: ${t} is not in ${p.filename}`);
      assert.deepEqual([...files].filter((f) => /^(src|test)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts')), [], `${p.name} packs sources`);
    }

    // an empty project; npm 12 runs a dependency's install script only when allowScripts approves it
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'gantry-pack-test', private: true, type: 'module',
      allowScripts: { '@gantry/tfjs-backend-torch': true } }, null, 2)}\n`);
    const installEnv = userEnv(compile ? {} : { GANTRY_TORCH_PREBUILT: builtAddon });
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts',
      ...packed.map((p) => join(tarballs, p.filename))], { cwd: project, env: installEnv, timeout: 900_000, what: 'npm install <tarballs>' }).all;
    assert.match(installed, compile ? /compiling the LibTorch addon/ : /using the prebuilt addon/, 'the engine\'s install script did not run');
    const engine = join(project, 'node_modules/@gantry/tfjs-backend-torch');
    assert.ok(existsSync(join(engine, 'native/build/Release/gantry_torch.node')));

    // the README's example with plain node, and the backend it ran on
    writeFileSync(join(project, 'example.mjs'), `${example}\nconst tf = await import('@tensorflow/tfjs-core');\nconsole.log('backend', tf.getBackend());\n`);
    const out = run(process.execPath, ['example.mjs'], { cwd: project, env: userEnv(), what: 'node example.mjs' }).all;
    assert.match(out, /^backend torch$/m);
    assert.match(out, new RegExp(`step ${steps}/${steps}`));
    const latest = JSON.parse(readFileSync(join(project, 'runs/ring8/latest.json'), 'utf8')) as { step: number };
    assert.equal(latest.step, steps);
    assert.match(out, /\[\s*\[\s*-?\d+(\.\d+)?(e-?\d+)?,\s*-?\d+(\.\d+)?(e-?\d+)?\s*\]/, 'the README example printed no sampled points');

    // the .d.ts types, as a TypeScript user sees them (an `any` would leave the @ts-expect-error unused)
    writeFileSync(join(project, 'consumer.ts'), `import { mlpGenerator, ring8, sample, trainGan, type TrainOptions } from '@gantry/core/node';
import { startStudio, type StudioOptions } from '@gantry/studio';
import { numThreads } from '@gantry/tfjs-backend-torch';
const generator = mlpGenerator({ latentDim: 2, outputDim: 2 });
export const options: Partial<TrainOptions> = { generator, data: ring8(), steps: 3 };
export const studio: StudioOptions = { runsDir: 'runs' };
// @ts-expect-error trainGan's result is typed
export const step: string = (await trainGan({} as TrainOptions)).step;
export const both = [sample(generator, 2).shape, numThreads(), startStudio];
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        // tfjs's own .d.ts files do not pass a strict check
        skipLibCheck: true, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] },
      files: ['consumer.ts'],
    }));
    run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project, env: userEnv(), what: 'tsc on a consumer' });

    // the gantry binary from the tarball
    const gantry = join(project, 'node_modules/.bin/gantry');
    run(gantry, ['train', '--data', 'ring8', '--steps', '20', '--batch', '32', '--hidden', '8,8', '--progress', 'off', '--out', 'runs/cli'],
      { cwd: project, env: userEnv({ GANTRY_BACKEND: 'torch' }), what: 'gantry train' });
    assert.match(run(gantry, ['info', 'runs/cli'], { cwd: project, env: userEnv(), what: 'gantry info' }).all, /step 20 of 20/);

    // the studio: its server, the client bundle it builds from dist/, and sampling a run
    writeFileSync(join(project, 'studio.mjs'), `import { startStudio } from '@gantry/studio';
const studio = await startStudio({ runsDir: 'runs', token: 'pack-test' });
const get = async (path, method = 'GET') => {
  const r = await fetch(\`http://127.0.0.1:\${studio.port}\${path}\`, { method, headers: { authorization: 'Bearer pack-test' } });
  return { status: r.status, text: await r.text() };
};
const result = { runs: JSON.parse((await get('/api/runs')).text).map((r) => r.name) };
for (const asset of ['app.js', 'playground.js']) result[asset] = (await get(\`/assets/\${asset}\`)).status;
result.sample = JSON.parse((await get('/api/runs/cli/sample?n=4&seed=1', 'POST')).text).points?.length;
console.log(JSON.stringify(result));
await studio.close();
`);
    const studio = run(process.execPath, ['studio.mjs'], { cwd: project, env: userEnv(), what: 'studio' }).stdout;
    assert.deepEqual(JSON.parse(/^\{.*\}$/m.exec(studio)?.[0] ?? '{}'), { runs: ['cli'], 'app.js': 200, 'playground.js': 200, sample: 8 });

    // the installed @gantry/core for the browser: no Node built-in in the bundle
    assert.deepEqual(await nodeBuiltinsInBrowserBundle('@gantry/core', project), []);

    // the missing-LibTorch message, through npm's own lifecycle (npm rebuild runs the install script)
    rmSync(join(engine, 'native/build'), { recursive: true });
    const r = spawnSync('npm', ['rebuild', '@gantry/tfjs-backend-torch', '--foreground-scripts'],
      { cwd: project, encoding: 'utf8', env: userEnv({ GANTRY_TORCH_SYSTEM_INCLUDE: join(work, 'no-include') }) });
    assert.notEqual(r.status, 0);
    assert.match(`${r.stdout}${r.stderr}`, /LibTorch headers not found[\s\S]*apt install libtorch-dev/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
