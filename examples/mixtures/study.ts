// Mode-collapse study on ring8 and grid25: five GAN objectives, several seeds each. Appends one JSON line
// per run to --out (runs already there are skipped, so an interrupted study resumes); report.ts turns the
// lines into docs/mode-collapse.md.
//
// Every run gets the same number of discriminator (critic) updates, --critic-updates; objectives with
// 5 critic steps per generator step (WGAN, WGAN-GP) therefore take 1/5 as many generator steps.
//
//   node --import tsx examples/mixtures/study.ts --backend wasm --seeds 5 --critic-updates 600
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createRng, grid25, minimaxLoss, mlpDiscriminator, mlpGenerator, modeMetrics, nonSaturatingLoss,
  optimizerPreset, randomNormal, ring8, trainGan, wassersteinLoss, type GaussianMixture2D, type LossName,
} from '../../packages/core/src/index.js';
import { trainSteps, type LoopConfig } from './loop.js';

export const CONFIG_NAMES = ['minimax', 'nonsaturating', 'wgan', 'wgan-gp', 'nonsaturating+mbd'] as const;
export type StudyConfigName = typeof CONFIG_NAMES[number];

export interface RunResult extends StudySettings {
  config: StudyConfigName; dataset: string; seed: number; steps: number; backend: string;
  modesCovered: number; modes: number; highQualityFraction: number; klToUniform: number; seconds: number;
}

export interface StudySettings {
  hidden: number[]; learningRate: number; batchSize: number;
  /** 'loop': the minimal loop in loop.ts; 'gantry': @gantry/core's trainGan with the same objective and optimizers */
  trainer?: 'loop' | 'gantry';
}

const LATENT_DIM = 2;
/** VEEGAN and PacGAN evaluate 2500 samples per trained generator. */
const EVAL_SAMPLES = 2500;

// Every objective keeps its paper's optimizer family, betas, critic steps, clip and penalty weight;
// the learning rate is one study-wide value because the papers' rates assume ~1e5 steps.
function loopConfig(name: StudyConfigName, s: StudySettings): { loop: LoopConfig; mbd: boolean } {
  const learningRate = s.learningRate;
  const adam = () => tf.train.adam(learningRate, 0.5, 0.999);
  const common = { latentDim: LATENT_DIM, batchSize: s.batchSize };
  switch (name) {
    case 'minimax':
      return { mbd: false, loop: { ...common, loss: minimaxLoss, generatorOptimizer: adam(), discriminatorOptimizer: adam(), criticSteps: 1 } };
    case 'nonsaturating':
    case 'nonsaturating+mbd':
      return { mbd: name === 'nonsaturating+mbd', loop: { ...common, loss: nonSaturatingLoss, generatorOptimizer: adam(), discriminatorOptimizer: adam(), criticSteps: 1 } };
    case 'wgan': {
      const p = optimizerPreset('wgan');
      const rmsprop = () => tf.train.rmsprop(learningRate);
      return { mbd: false, loop: { ...common, loss: wassersteinLoss, generatorOptimizer: rmsprop(), discriminatorOptimizer: rmsprop(), criticSteps: p.criticSteps, clip: p.clip } };
    }
    case 'wgan-gp': {
      const p = optimizerPreset('wgan-gp');
      const adamGp = () => tf.train.adam(learningRate, 0, 0.9);
      return { mbd: false, loop: { ...common, loss: wassersteinLoss, generatorOptimizer: adamGp(), discriminatorOptimizer: adamGp(), criticSteps: p.criticSteps, gradientPenaltyWeight: p.gradientPenalty } };
    }
  }
}

export function criticStepsOf(name: StudyConfigName): number {
  return name === 'wgan' || name === 'wgan-gp' ? optimizerPreset(name).criticSteps : 1;
}

const LOSS_OF: Record<StudyConfigName, LossName> = {
  minimax: 'minimax', nonsaturating: 'nonsaturating', wgan: 'wgan', 'wgan-gp': 'wgan-gp', 'nonsaturating+mbd': 'nonsaturating',
};

export async function runOne(name: StudyConfigName, data: GaussianMixture2D, seed: number, steps: number, settings: StudySettings): Promise<RunResult> {
  const start = Date.now();
  const rng = createRng(seed * 7919 + (data.name === 'ring8' ? 1 : 2));
  const { loop, mbd } = loopConfig(name, settings);
  const generator = mlpGenerator({ latentDim: LATENT_DIM, outputDim: 2, hidden: settings.hidden, seed: seed * 2 + 1 });
  const discriminator = mlpDiscriminator({
    inputDim: 2, hidden: settings.hidden, seed: seed * 2 + 2,
    minibatchDiscrimination: mbd ? { kernels: 5, dims: 3 } : undefined,
  });
  if (settings.trainer === 'gantry') {
    await trainGan({
      generator, discriminator, data, steps, progress: 'off',
      optimizers: { generator: loop.generatorOptimizer, discriminator: loop.discriminatorOptimizer },
      config: {
        loss: LOSS_OF[name], latentDim: LATENT_DIM, seed: seed * 7919 + (data.name === 'ring8' ? 1 : 2), batchSize: loop.batchSize,
        criticSteps: loop.criticSteps, clip: loop.clip,
        penalty: loop.gradientPenaltyWeight ? { kind: 'gp', weight: loop.gradientPenaltyWeight } : undefined,
      },
    });
  } else {
    trainSteps(generator, discriminator, data, loop, steps, rng);
  }
  const samples = tf.tidy(() => generator.apply(randomNormal(rng, [EVAL_SAMPLES, LATENT_DIM])) as tf.Tensor);
  const m = modeMetrics(samples, data);
  samples.dispose();
  generator.dispose();
  discriminator.dispose();
  loop.generatorOptimizer.dispose();
  loop.discriminatorOptimizer.dispose();
  return {
    config: name, dataset: data.name, seed, steps, backend: tf.getBackend(), ...settings,
    modesCovered: m.modesCovered, modes: m.modes, highQualityFraction: m.highQualityFraction,
    klToUniform: m.klToUniform, seconds: (Date.now() - start) / 1000,
  };
}

function runKey(r: Pick<RunResult, 'config' | 'dataset' | 'seed' | 'steps' | 'trainer'>): string {
  return `${r.config}|${r.dataset}|${r.seed}|${r.steps}|${r.trainer ?? 'loop'}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      seeds: { type: 'string', default: '5' },
      'critic-updates': { type: 'string', default: '600' },
      lr: { type: 'string', default: '1e-3' },
      hidden: { type: 'string', default: '64,64' },
      batch: { type: 'string', default: '100' },
      trainer: { type: 'string', default: 'loop' },
      only: { type: 'string' },
      datasets: { type: 'string', default: 'ring8,grid25' },
      out: { type: 'string', default: 'runs/mixtures/results.jsonl' },
    },
  });
  await tf.setBackend(values.backend!);
  await tf.ready();
  const seeds = Number(values.seeds);
  const settings: StudySettings = {
    hidden: values.hidden!.split(',').map(Number), learningRate: Number(values.lr), batchSize: Number(values.batch),
    trainer: values.trainer === 'gantry' ? 'gantry' : 'loop',
  };
  if (values.trainer !== 'gantry' && values.trainer !== 'loop') throw new Error(`--trainer must be 'loop' or 'gantry', got '${values.trainer}'`);
  const configs = (values.only?.split(',') ?? [...CONFIG_NAMES]) as StudyConfigName[];
  for (const c of configs) if (!CONFIG_NAMES.includes(c)) throw new Error(`unknown config '${c}'; expected ${CONFIG_NAMES.join(', ')}`);
  const datasets = values.datasets!.split(',').map((d) => {
    if (d === 'ring8') return ring8();
    if (d === 'grid25') return grid25();
    throw new Error(`unknown dataset '${d}'; expected ring8 or grid25`);
  });
  const out = values.out!;
  mkdirSync(dirname(out), { recursive: true });
  const done = new Set(existsSync(out)
    ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => runKey(JSON.parse(l) as RunResult)) : []);
  for (let seed = 0; seed < seeds; seed++) {
    for (const data of datasets) {
      for (const config of configs) {
        const steps = Math.round(Number(values['critic-updates']) / criticStepsOf(config));
        if (done.has(runKey({ config, dataset: data.name, seed, steps, trainer: settings.trainer }))) continue;
        const r = await runOne(config, data, seed, steps, settings);
        appendFileSync(out, JSON.stringify(r) + '\n');
        console.log(`${r.dataset} ${r.config} seed ${seed}: modes ${r.modesCovered}/${r.modes}, ` +
          `high quality ${(100 * r.highQualityFraction).toFixed(1)}%, KL ${r.klToUniform.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
