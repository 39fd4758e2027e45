// Mode-collapse study on ring8 and grid25: the five objectives (and any recipe given by flags),
// several seeds each, every run through @gantry/core's trainGan. Appends one JSON line per run to --out
// (runs already there are skipped, so an interrupted study resumes); report.ts turns the lines into
// docs/mode-collapse.md.
//
// The flags describe a base recipe (recipe.ts: nets, batch, Adam, EMA, learning-rate decay, packing);
// each objective changes only what its paper prescribes. By default every run gets the same number of
// discriminator updates (--steps): WGAN and WGAN-GP take 5 critic steps per generator step and so make
// steps / 5 generator steps. `--budget generator-steps` gives every objective --steps generator steps
// instead (WGAN and WGAN-GP then make 5x as many critic updates).
//
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/mixtures/study.ts --label best \
//     --objectives nonsaturating --seeds 5 --steps 4000 --g 256,256,256 --d 128,128 --lr 1e-3 --decay 0.4 \
//     --out runs/mixtures/best.jsonl
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeScatterPng } from '../../packages/core/src/node.js';
import { evalSamples, evaluateRun, mixtureByName, parseRunSpec, RUN_SPEC_OPTIONS, trainMixture, type RunSpec } from './recipe.js';

export const OBJECTIVES = ['minimax', 'nonsaturating', 'wgan', 'wgan-gp', 'nonsaturating+mbd'] as const;
export type Objective = typeof OBJECTIVES[number];

export interface Scores { modesCovered: number; modes: number; highQualityFraction: number; klToUniform: number }

export interface RunResult {
  /** names the base recipe, e.g. 'best' or 'cli-default' */
  label: string;
  objective: Objective;
  dataset: string;
  seed: number;
  spec: RunSpec;
  backend: string;
  /** what is sampled: the EMA copy of G when spec.ema > 0, else G */
  sampler: 'EMA' | 'G';
  scores: Scores;
  /** G's own weights, for comparison with the EMA copy */
  generatorScores: Scores;
  seconds: number;
  /** CPU seconds of the training (one ATen thread): about its wall time on an otherwise idle core */
  cpuSeconds?: number;
}

const CRITIC_STEPS = 5;

/** What --steps counts: discriminator updates (equal for every objective) or generator steps. */
export const BUDGETS = ['discriminator-updates', 'generator-steps'] as const;
export type Budget = typeof BUDGETS[number];

/** The base recipe with what an objective's paper prescribes (optimizer family, critic steps, clip, penalty). */
export function specFor(objective: Objective, base: RunSpec, budget: Budget = 'discriminator-updates'): RunSpec {
  const criticRunSteps = budget === 'generator-steps' ? base.steps : Math.round(base.steps / CRITIC_STEPS);
  switch (objective) {
    case 'minimax': return { ...base, loss: 'minimax' };
    case 'nonsaturating': return { ...base, loss: 'nonsaturating' };
    case 'nonsaturating+mbd': return { ...base, loss: 'nonsaturating', minibatchDiscrimination: true };
    // WGAN (Arjovsky et al. 2017): RMSProp, clip 0.01, 5 critic steps.
    // Neither Wasserstein objective takes the base recipe's R1 penalty: clipping or the gradient penalty is
    // their critic's regulariser.
    case 'wgan': return { ...base, loss: 'wgan', rmsprop: true, clip: 0.01, r1: 0, criticSteps: CRITIC_STEPS, steps: criticRunSteps };
    // WGAN-GP (Gulrajani et al. 2017): Adam(beta1 0, beta2 0.9), lambda 10, 5 critic steps.
    case 'wgan-gp': return { ...base, loss: 'wgan-gp', beta1: 0, beta2: 0.9, gp: 10, r1: 0, criticSteps: CRITIC_STEPS, steps: criticRunSteps };
  }
}

function scoresOf(m: Scores): Scores {
  return { modesCovered: m.modesCovered, modes: m.modes, highQualityFraction: m.highQualityFraction, klToUniform: m.klToUniform };
}

/** pngPath: where to draw the evaluated samples with the modes as rings (docs/img/mixtures-*.png) */
export async function runOne(label: string, objective: Objective, dataset: string, seed: number, base: RunSpec, pngPath?: string,
  budget: Budget = 'discriminator-updates'): Promise<RunResult> {
  const data = mixtureByName(dataset);
  const spec = specFor(objective, base, budget);
  const cpu = process.cpuUsage();
  const trained = await trainMixture(spec, data, seed);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  try {
    const score = (model: typeof trained.generator, png?: string) => {
      const s = evalSamples(model, seed);
      try {
        if (png) writeScatterPng(png, s, { references: data.means, extent: dataset === 'ring8' ? 3 : 5.5 });
        return scoresOf(evaluateRun(s, data));
      } finally { s.dispose(); }
    };
    return {
      label, objective, dataset, seed, spec, backend: tf.getBackend(), sampler: spec.ema > 0 ? 'EMA' : 'G',
      scores: score(trained.sampler, pngPath), generatorScores: score(trained.generator), seconds: trained.seconds, cpuSeconds,
    };
  } finally {
    trained.dispose();
  }
}

const runKey = (r: Pick<RunResult, 'label' | 'objective' | 'dataset' | 'seed'>) => `${r.label}|${r.objective}|${r.dataset}|${r.seed}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...RUN_SPEC_OPTIONS,
      label: { type: 'string', default: 'study' },
      objectives: { type: 'string', default: OBJECTIVES.join(',') },
      datasets: { type: 'string', default: 'ring8,grid25' },
      seeds: { type: 'string', default: '5' },
      'first-seed': { type: 'string', default: '0' },
      backend: { type: 'string', default: 'torch' },
      out: { type: 'string', default: 'runs/mixtures/study.jsonl' },
      budget: { type: 'string', default: 'discriminator-updates' },
      /** draw seed 0's samples to <dir>/mixtures-<label>-<objective>-<dataset>.png */
      'png-dir': { type: 'string' },
    },
  });
  if (values.backend === 'torch') await import('@gantry/tfjs-backend-torch');
  else if (values.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(values.backend!);
  await tf.ready();
  const base = parseRunSpec(values);
  const objectives = values.objectives!.split(',') as Objective[];
  for (const o of objectives) if (!OBJECTIVES.includes(o)) throw new Error(`unknown objective '${o}'; expected ${OBJECTIVES.join(', ')}`);
  const budget = values.budget as Budget;
  if (!BUDGETS.includes(budget)) throw new Error(`--budget must be one of ${BUDGETS.join(', ')}, got '${values.budget}'`);
  const datasets = values.datasets!.split(',');
  datasets.forEach(mixtureByName);
  const out = values.out!;
  mkdirSync(dirname(out), { recursive: true });
  const done = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => runKey(JSON.parse(l) as RunResult)) : []);
  const first = Number(values['first-seed']);
  for (let seed = first; seed < first + Number(values.seeds); seed++) {
    for (const dataset of datasets) {
      for (const objective of objectives) {
        if (done.has(runKey({ label: values.label!, objective, dataset, seed }))) continue;
        const png = values['png-dir'] && seed === first ? `${values['png-dir']}/mixtures-${values.label}-${objective.replace('+', '-')}-${dataset}.png` : undefined;
        const r = await runOne(values.label!, objective, dataset, seed, base, png, budget);
        appendFileSync(out, JSON.stringify(r) + '\n');
        const pct = (x: number) => (100 * x).toFixed(1);
        console.log(`${r.label} ${r.dataset} ${r.objective} seed ${seed}: ${r.sampler} modes ${r.scores.modesCovered}/${r.scores.modes}, ` +
          `high quality ${pct(r.scores.highQualityFraction)}%, KL ${r.scores.klToUniform.toFixed(3)}; ` +
          `G ${r.generatorScores.modesCovered}/${r.generatorScores.modes}, ${pct(r.generatorScores.highQualityFraction)}% (${r.seconds.toFixed(0)} s)`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
