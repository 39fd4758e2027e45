// The driver of step-ab.sh: CPU ms per training step of the working tree's pix2pix or CycleGAN trainer against an
// older copy of it (--old, a module exporting pix2pixTrainable or cycleGanTrainable), both built from seed 0 at the
// settings of docs/translation.md's speed comparison (16 px emoji; pix2pix ngf = ndf = 64, CycleGAN 32), each
// stepping with its own RNG seeded 0. Five warm-up steps each, then ROUNDS rounds of BLOCK steps per arm, the arms'
// order alternating (new, old / old, new) so that both meet the same load; process CPU time (user + sys).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng, cycleGanTrainable, loadEmojiPair, pix2pixTrainable, SINGLE_PROCESS, unpairedHalves, type Trainable,
} from '@gantry/core/node';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'pix2pix' }, old: { type: 'string' }, block: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '6' },
  },
});
if (!values.old) throw new Error('usage: step-ab.ts --model pix2pix|cyclegan --old OLD_TRAINER.ts [--block N] [--rounds R]');
const [block, rounds] = [Number(values.block), Number(values.rounds)];
await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend('torch'))) throw new Error('the torch backend did not initialise');

type Build = (data: never, options: object) => Trainable;
const old = await import(pathToFileURL(resolve(values.old)).href) as Record<string, Build>;
const train = loadEmojiPair({ source: 'google', target: 'twitter', size: 16, split: 'train' });
const [newBuild, oldBuild, data, options] = values.model === 'pix2pix'
  ? [pix2pixTrainable as Build, old.pix2pixTrainable, train, { seed: 0 }]
  : [cycleGanTrainable as Build, old.cycleGanTrainable, unpairedHalves(train), { seed: 0, generatorFilters: 32, discriminatorFilters: 32 }];
const arms = [{ name: 'new', t: newBuild(data as never, options) }, { name: 'old', t: oldBuild(data as never, options) }]
  .map((arm) => ({ ...arm, rng: createRng(0), step: 0, totalMs: 0 }));
const run = (arm: (typeof arms)[number], n: number) => {
  for (let k = 0; k < n; k++) arm.t.step({ step: ++arm.step, totalSteps: 1e6, rng: arm.rng, replicas: SINGLE_PROCESS });
};
for (const arm of arms) run(arm, 5);
for (let r = 0; r < rounds; r++) {
  for (const arm of r % 2 ? [arms[1], arms[0]] : arms) {
    const start = process.cpuUsage();
    run(arm, block);
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000 / block;
    arm.totalMs += ms;
    console.log(`round ${r} ${arm.name}: ${ms.toFixed(1)} CPU ms/step`);
  }
}
console.log(`${values.model}, mean of ${rounds} rounds of ${block} steps: new ${(arms[0].totalMs / rounds).toFixed(1)}, old ${(arms[1].totalMs / rounds).toFixed(1)} CPU ms/step`);
