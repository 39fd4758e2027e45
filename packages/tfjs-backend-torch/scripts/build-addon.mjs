#!/usr/bin/env node
// Builds the LibTorch addon (native/build/Release/gantry_torch.node) with node-gyp. It is this package's
// `install` script, `npm run build:native` in the repository, and what the package runs on first import
// when the binary is missing. Only what changed is recompiled: nothing when every .cc has an object at
// least as new as itself and no header is newer than the binary.
//
//   LIBTORCH=/path/to/libtorch    the official zip layout (include/, lib/) instead of Debian's libtorch-dev
//   GANTRY_TORCH_PREBUILT=file    use this already-built gantry_torch.node (same LibTorch) instead of compiling
//   --force                       a clean rebuild
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');
const binary = join(nativeDir, 'build/Release/gantry_torch.node');
const stamp = join(nativeDir, 'build/libtorch-path.txt');
const objectDir = join(nativeDir, 'build/Release/obj.target/gantry_torch/src');
const libtorch = process.env.LIBTORCH ?? '';
const force = process.argv.includes('--force');
const say = (text) => console.error(`@gantry/tfjs-backend-torch: ${text}`);

function fail(lines) {
  say(lines[0]);
  for (const line of lines.slice(1)) console.error(`  ${line}`);
  process.exit(1);
}

/** True when `binary` loads in a fresh node (a prebuilt one may not match this LibTorch or node). */
function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8' });
  return r.status === 0 ? '' : (r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim());
}

// Up to date when every .cc has an object at least as new as itself and no header is newer than the
// binary. (Comparing sources with the binary alone races with a build already under way: its binary can
// land after a source edited meanwhile.)
function upToDate() {
  if (!existsSync(binary) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== libtorch) return false;
  const binaryTime = statSync(binary).mtimeMs;
  if (statSync(join(nativeDir, 'binding.gyp')).mtimeMs > binaryTime) return false;
  for (const name of readdirSync(join(nativeDir, 'src'))) {
    const sourceTime = statSync(join(nativeDir, 'src', name)).mtimeMs;
    if (name.endsWith('.cc')) {
      const object = join(objectDir, name.replace(/\.cc$/, '.o'));
      if (!existsSync(object) || statSync(object).mtimeMs < sourceTime || statSync(object).mtimeMs > binaryTime) return false;
    } else if (sourceTime > binaryTime) {
      return false;
    }
  }
  return true;
}

const prebuilt = process.env.GANTRY_TORCH_PREBUILT;
if (prebuilt) {
  if (!existsSync(prebuilt)) fail([`GANTRY_TORCH_PREBUILT=${prebuilt}: no such file`]);
  mkdirSync(dirname(binary), { recursive: true });
  copyFileSync(prebuilt, binary);
  const error = loads(binary);
  if (error) fail([`the prebuilt addon ${prebuilt} does not load here: ${error}`, 'unset GANTRY_TORCH_PREBUILT to compile it from source']);
  say(`using the prebuilt addon ${prebuilt}`);
  process.exit(0);
}

if (upToDate() && !force) process.exit(0);

// What the compile needs, checked first so that a missing piece is named instead of a compiler error.
// (GANTRY_TORCH_SYSTEM_INCLUDE moves where Debian's headers are looked for; tests point it at an empty folder.)
const header = join(libtorch ? join(libtorch, 'include') : (process.env.GANTRY_TORCH_SYSTEM_INCLUDE ?? '/usr/include'), 'ATen/ATen.h');
if (!existsSync(header)) {
  fail(libtorch
    ? [`LibTorch headers not found: ${header} is missing (LIBTORCH=${libtorch} should hold the official zip's include/ and lib/)`]
    : [`LibTorch headers not found (${header} is missing), so the native addon cannot be compiled.`,
      'Install Debian\'s LibTorch and reinstall this package:',
      '  apt install libtorch-dev',
      'or point LIBTORCH at an unpacked official LibTorch zip (include/, lib/).']);
}
// The distributed ops (native/src/distributed.cc) bind c10d's ProcessGroupGloo, whose headers include
// gloo's; Debian ships those apart from LibTorch. (An official LibTorch zip without them builds the
// addon without the distributed ops.)
const glooHeader = join(process.env.GANTRY_TORCH_SYSTEM_INCLUDE ?? '/usr/include', 'gloo/algorithm.h');
if (!libtorch && !existsSync(glooHeader)) {
  fail([`gloo headers not found (${glooHeader} is missing); LibTorch's distributed layer (c10d) needs them.`,
    'Install them and reinstall this package:',
    '  apt install libgloo-dev']);
}
const tools = [['g++', 'g++'], ['make', 'make'], ['python3', 'python3']]
  .filter(([command]) => spawnSync(command, ['--version'], { stdio: 'ignore' }).error);
if (tools.length > 0) {
  fail([`compiling the native addon needs ${tools.map(([c]) => c).join(', ')}, not found on PATH:`,
    `  apt install ${tools.map(([, pkg]) => pkg).join(' ')}`]);
}
// node-gyp: the one installed next to this package (the repository's devDependency), else npm's own
// (npm names it in npm_config_node_gyp while it runs install scripts).
let nodeGyp;
try {
  nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  nodeGyp = process.env.npm_config_node_gyp;
}
if (!nodeGyp || !existsSync(nodeGyp)) {
  fail(['node-gyp not found: install with npm (which brings its own node-gyp) or add node-gyp to the project (npm install -D node-gyp)']);
}

say(`compiling the LibTorch addon${libtorch ? ` against ${libtorch}` : ''} (a few minutes the first time)`);
const jobs = process.env.JOBS ?? 'max';
// Offline machines: use the headers installed next to this node binary (Debian: /usr/include/node)
// instead of letting node-gyp download them.
const localNodeDir = dirname(dirname(process.execPath));
const nodeDirArgs = existsSync(join(localNodeDir, 'include/node/node_api.h')) ? [`--nodedir=${localNodeDir}`] : [];
// configure re-lists native/src/*.cc; make then recompiles only what changed, unless the LibTorch
// location changed or --force asks for a clean rebuild.
const sameLibtorch = existsSync(stamp) && readFileSync(stamp, 'utf8') === libtorch;
const steps = force || !sameLibtorch ? [['rebuild']] : [['configure'], ['build']];
try {
  for (const step of steps) {
    execFileSync(process.execPath, [nodeGyp, ...step, `--jobs=${jobs}`, ...nodeDirArgs], {
      cwd: nativeDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, LIBTORCH: libtorch },
    });
  }
} catch {
  fail([`node-gyp failed to build the addon in ${nativeDir} (its output is above)`]);
}
writeFileSync(stamp, libtorch);
