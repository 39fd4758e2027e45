// The architecture's import rules (eslint.architecture.js) through ESLint's own API: each violating
// import, linted as a small file at a real path, fails with one of those rules; each allowed one passes;
// and the tree as it is passes them.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'architecture/stay-in-package']);
const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') });

/** Messages of the architecture rules for `code` linted as if it were the file at `path`. */
async function architectureMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${path}: ${code} does not parse`);
  return result.messages.filter((m) => m.ruleId != null && RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

const BUILTINS = ['fs', 'path', 'crypto', 'child_process', 'os', 'zlib', 'url', 'worker_threads', 'fs/promises', 'node:fs', 'node:path'];

const VIOLATIONS: [path: string, code: string][] = [
  // core (browser files) -> engine, CLI, studio, Node built-ins, Node-only packages and files
  ['packages/core/src/losses.ts', "import '@gantry/tfjs-backend-torch';"],
  ['packages/core/src/models/dcgan.ts', "import { nativeKernels } from '@gantry/tfjs-backend-torch';"],
  ['packages/core/src/train/loop.ts', "import { main } from '@gantry/cli';"],
  ['packages/core/src/run/index.ts', "export * from '@gantry/studio';"],
  ...BUILTINS.map((m): [string, string] => ['packages/core/src/metrics/knn.ts', `import * as m from '${m}';`]),
  ['packages/core/src/image/grid.ts', "import { PNG } from 'pngjs';"],
  ['packages/core/src/data/images.ts', "import jpeg from 'jpeg-js';"],
  ['packages/core/src/tabular/matrix.ts', "import { readCsvFile } from '@gantry/core/node';"],
  ['packages/core/src/index.ts', "export * from './data/node.js';"],
  ['packages/core/src/image/scatter.ts', "import { encodePng } from './png.node.js';"],
  ['packages/core/src/data/csv.ts', "export { readCsvFile } from './csv-file.node.js';"],
  ['packages/core/src/random.ts', "export const fs = await import('node:fs');"],
  ['packages/core/src/random.ts', "export const m = await import(process.env.X ?? '');"],
  // relative paths that climb into another package
  ['packages/core/src/losses.ts', "import '../../tfjs-backend-torch/src/index.js';"],
  ['packages/core/src/train/loop.ts', "import { main } from '../../../cli/src/main.js';"],
  ['packages/core/src/train/loop.ts', "export * from '../../../../packages/studio/src/server.js';"],
  // core's Node-only files are still core: no engine, CLI or studio
  ['packages/core/src/node.ts', "import '@gantry/tfjs-backend-torch';"],
  ['packages/core/src/data/csv-file.node.ts', "import { main } from '@gantry/cli';"],
  // the engine -> core, CLI, studio (by name or by path)
  ['packages/tfjs-backend-torch/src/kernels/fused.ts', "import { dense } from '@gantry/core';"],
  ['packages/tfjs-backend-torch/src/index.ts', "import '@gantry/core/node';"],
  ['packages/tfjs-backend-torch/src/backend.ts', "import '@gantry/cli';"],
  ['packages/tfjs-backend-torch/src/kernels/optim.ts', "import { adam } from '../../../core/src/optimizers.js';"],
  ['packages/tfjs-backend-torch/src/backend.ts', "export const core = await import('@gantry/core');"],
  // the studio -> the engine, anywhere in it; its browser client -> Node
  ['packages/studio/src/server.ts', "import '@gantry/tfjs-backend-torch';"],
  ['packages/studio/src/runs.ts', "import '../../tfjs-backend-torch/src/index.js';"],
  ['packages/studio/test/studio.test.ts', "import { nativeKernels } from '@gantry/tfjs-backend-torch';"],
  ['packages/studio/src/client/playground.ts', "import '@gantry/tfjs-backend-torch';"],
  ['packages/studio/src/client/app.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/studio/src/client/app.ts', "import { readCsvFile } from '@gantry/core/node';"],
  // @gantry/kernels depends on tfjs-core alone
  ['packages/kernels/src/index.ts', "import * as tfl from '@tensorflow/tfjs-layers';"],
  ['packages/kernels/src/index.ts', "import '@gantry/core';"],
  ['packages/kernels/src/index.ts', "import { PNG } from 'pngjs';"],
];

const ALLOWED: [path: string, code: string][] = [
  ['packages/core/src/losses.ts', "import * as tf from '@tensorflow/tfjs-core';\nimport { createRng } from './random.js';"],
  ['packages/core/src/tfjs-gradients/fused-ops.ts', "import { DENSE_KERNEL } from '@gantry/kernels';"],
  ['packages/core/src/train/loop.ts', "import { x } from '../run/node-free-helpers.js';\nimport { y } from './nodes.js';"],
  ['packages/core/src/data/csv-file.node.ts', "import { readFileSync } from 'node:fs';\nimport { parseCsv } from './csv.js';"],
  ['packages/core/src/image/png.node.ts', "import { PNG } from 'pngjs';\nimport { dirname } from 'path';"],
  ['packages/core/src/node.ts', "export * from './index.js';\nexport * from './image/node.js';\nexport * from './data/node.js';"],
  ['packages/core/src/metrics/node.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/tfjs-backend-torch/src/kernels/optim.ts', "import { ADAM_UPDATE_KERNEL } from '@gantry/kernels';\nimport { createRequire } from 'node:module';"],
  ['packages/studio/src/server.ts', "import { createServer } from 'node:http';\nimport { readRunDir } from '@gantry/core/node';"],
  ['packages/studio/src/client/app.ts', "import { ring8 } from '@gantry/core';\nimport { drawChart } from './charts.js';"],
  ['packages/cli/src/backend.ts', "import '@gantry/tfjs-backend-torch';\nexport const s = await import('@gantry/studio');"],
  ['packages/kernels/src/index.ts', "export const NAME = 'GantryX';"],
  ['packages/kernels/src/backprop-gradients.ts', "import * as tf from '@tensorflow/tfjs-core';"],
];

test('each violating import fails the architecture lint', async () => {
  const passed: string[] = [];
  for (const [path, code] of VIOLATIONS) {
    if ((await architectureMessages(path, code)).length === 0) passed.push(`${path}: ${code}`);
  }
  assert.deepEqual(passed, [], 'these violations passed the architecture lint');
});

test('allowed imports pass the architecture lint', async () => {
  const failed: string[] = [];
  for (const [path, code] of ALLOWED) {
    for (const message of await architectureMessages(path, code)) failed.push(`${path}: ${code} -> ${message}`);
  }
  assert.deepEqual(failed, []);
});

test('the tree as it is passes the architecture lint', async () => {
  const results = await eslint.lintFiles(['packages/*/src/**/*.ts', 'packages/studio/test/**/*.ts']);
  assert.ok(results.length > 100, `linted only ${results.length} files`);
  const problems = results.flatMap((r) => r.messages
    .filter((m) => m.ruleId != null && RULES.has(m.ruleId))
    .map((m) => `${r.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`));
  assert.deepEqual(problems, []);
});
