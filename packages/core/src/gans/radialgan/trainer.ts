// RadialGAN as a variant of the one training loop. Per domain k an encoder E_k, a decoder G_k and a critic
// D_k, dense networks named encoder<k>, decoder<k> and critic<k>; one optimizer for all critics, one for
// all encoders and decoders. A step is `criticSteps` critic updates, then one update of the translators:
//   lossD = sum_k [W_k + gp_k]
//   lossT = adversarial + cycleWeight * cycle + reconstructionWeight * reconstruction + sharedWeight * shared
// (shared: squared error of translated rows on the columns source and target both name; not in the paper.)
import * as tf from '@tensorflow/tfjs-core';
import { wassersteinLoss } from '../../losses.js';
import { gradientPenalty } from '../../penalties.js';
import { createRng, forkRng, type Rng } from '../../random.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyDenseNetwork, denseNetwork } from '../../models/dense-network.js';
import {
  checkpointToResume, continueTraining, reportingSteps, startTraining, type LoopOptions, type Trainable,
} from '../../train/loop.js';
import { adam } from '../../optimizers.js';
import { minimize, term, type UpdateEnv } from '../../train/update.js';
import { sharedColumnPairs } from './columns.js';
import { latentCycleLoss, reconstructionLoss } from './losses.js';
import {
  prepareDomain, RadialGan, resolve, sampleBatch, type Batch, type DomainData, type DomainNets, type RadialDomain, type RadialGanOptions,
} from './radialgan.js';

export const RADIALGAN_KIND = 'radialgan';

/**
 * RadialGAN's config as checkpoints keep it: the options (no callbacks; scaling and sharedWeight resolved, as
 * their defaults changed), each domain's shape, and its column names (they decide which columns are shared).
 */
interface RadialConfig extends Omit<RadialGanOptions, 'onProgress'> {
  numClasses: number; domains: { rows: number; cols: number }[]; columnNames?: (readonly string[] | null)[];
}
/** What a checkpoint written before `scaling` and `sharedWeight` existed was trained with. */
const BEFORE_SHARED_COLUMNS = { scaling: 'minmax', sharedWeight: 0 } as const;

function radialTrainable(domainsIn: readonly RadialDomain[], options: RadialGanOptions): { trainable: Trainable; rng: Rng; model: RadialGan } {
  if (domainsIn.length < 2) throw new Error(`trainRadialGan: needs at least two domains, got ${domainsIn.length}`);
  const o = resolve(options);
  const domains = domainsIn.map((d, k) => prepareDomain(d, k, o.scaling));
  let maxLabel = 0;
  for (const d of domains) for (const v of d.labels) maxLabel = Math.max(maxLabel, v);
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (!Number.isInteger(numClasses) || numClasses <= maxLabel) {
    throw new Error(`trainRadialGan: numClasses ${numClasses} does not cover label ${maxLabel}`);
  }
  const K = domains.length;
  const rng = createRng(options.seed);
  const initRng = forkRng(rng);
  const h = o.hidden;
  const nets: DomainNets[] = domains.map((d) => ({
    encoder: denseNetwork(initRng, [d.cols + numClasses, h, h, o.latentDim]),
    decoder: denseNetwork(initRng, [o.latentDim + numClasses, h, h, d.cols], o.scaling === 'minmax' ? { outputActivation: 'sigmoid' } : {}),
    critic: denseNetwork(initRng, [d.cols + numClasses, h, h, 1]),
  }));
  const critics = nets.map((n) => n.critic);
  const translators = nets.flatMap((n) => [n.encoder, n.decoder]);
  const optimizers = { critics: adam(o.learningRate, 0.5, 0.9), translators: adam(o.learningRate, 0.5, 0.9) };
  const B = o.batchSize;
  // Without a weight or without commonly named columns the term is left out altogether (the paper's objective).
  const sharedPairs = o.sharedWeight > 0 ? sharedColumnPairs(domains) : [];
  // Domain k's fakes: every other domain's batch, encoded and decoded into k, with those rows' labels.
  const fakesFor = (k: number, batches: readonly Batch[], latents: readonly tf.Tensor2D[]) => {
    const others = batches.map((_, j) => j).filter((j) => j !== k);
    const y = tf.concat(others.map((j) => batches[j].y), 0);
    const z = tf.concat(others.map((j) => latents[j]), 0);
    return { x: applyDenseNetwork(nets[k].decoder, tf.concat([z, y], 1)), y, z };
  };
  const critic = (k: number) => (xy: tf.Tensor) => applyDenseNetwork(nets[k].critic, xy as tf.Tensor2D);
  const disposeBatches = (bs: Batch[]) => tf.dispose(bs.flatMap((b) => [b.x, b.y]));

  const criticUpdate = (env: UpdateEnv, batchRng: Rng) => {
    const batches = domains.map((d) => sampleBatch(d, B, batchRng, numClasses));
    const reals = domains.map((d) => sampleBatch(d, (K - 1) * B, batchRng, numClasses));
    // The critic update leaves the translators alone: their output is computed once, outside the gradient.
    const fakes = tf.tidy(() => {
      const latents = batches.map((b, j) => applyDenseNetwork(nets[j].encoder, tf.concat([b.x, b.y], 1)));
      return domains.map((_, k) => {
        const f = fakesFor(k, batches, latents);
        return tf.concat([f.x, f.y], 1) as tf.Tensor2D;
      });
    });
    const realXY = reals.map((r) => tf.concat([r.x, r.y], 1) as tf.Tensor2D);
    try {
      return minimize(env, critics, optimizers.critics, (parts) => {
        const terms: tf.Scalar[] = [];
        const wasserstein: tf.Scalar[] = [];
        for (let k = 0; k < K; k++) {
          const w = wassersteinLoss.discriminator(critic(k)(realXY[k]), critic(k)(fakes[k]));
          wasserstein.push(w);
          terms.push(w);
          if (o.gpWeight > 0) terms.push(gradientPenalty(critic(k), realXY[k], fakes[k], batchRng, o.gpWeight));
        }
        // the sum in the order the reference implementation added it; the Wasserstein part is also reported alone
        const total = tf.addN(terms) as tf.Scalar;
        term(parts, 'critic/wasserstein', tf.addN(wasserstein) as tf.Scalar);
        return term(parts, 'critic/total', total);
      });
    } finally {
      tf.dispose([...fakes, ...realXY]);
      disposeBatches([...batches, ...reals]);
    }
  };

  const translatorUpdate = (env: UpdateEnv, batchRng: Rng) => {
    const batches = domains.map((d) => sampleBatch(d, B, batchRng, numClasses));
    try {
      return minimize(env, translators, optimizers.translators, (parts) => {
        const latents = batches.map((b, j) => applyDenseNetwork(nets[j].encoder, tf.concat([b.x, b.y], 1)));
        const adversarial: tf.Scalar[] = [];
        const cycle: tf.Scalar[] = [];
        const translatedInto: tf.Tensor2D[] = [];
        for (let k = 0; k < K; k++) {
          const f = fakesFor(k, batches, latents);
          translatedInto.push(f.x);
          adversarial.push(wassersteinLoss.generator(critic(k)(tf.concat([f.x, f.y], 1))));
          cycle.push(latentCycleLoss(f.z, applyDenseNetwork(nets[k].encoder, tf.concat([f.x, f.y], 1))));
        }
        const recon = batches.map((b, j) => reconstructionLoss(b.x, applyDenseNetwork(nets[j].decoder, tf.concat([latents[j], b.y], 1))));
        const adv = term(parts, 'translator/adversarial', tf.addN(adversarial) as tf.Scalar);
        const cyc = term(parts, 'translator/cycle', tf.addN(cycle) as tf.Scalar);
        const rec = term(parts, 'translator/reconstruction', tf.addN(recon) as tf.Scalar);
        const total = [adv, tf.mul(o.cycleWeight, cyc), tf.mul(o.reconstructionWeight, rec)];
        if (sharedPairs.length > 0) {
          const shared = sharedPairs.map((p) => {
            // fakesFor stacks the other domains' batches in domain order, B rows each.
            const translated = tf.slice(translatedInto[p.to], [(p.from < p.to ? p.from : p.from - 1) * B, 0], [B, domains[p.to].cols]);
            const truth = tf.add(tf.matMul(batches[p.from].x, tf.tensor2d(p.sourceMap, [domains[p.from].cols, p.n])), tf.tensor1d(p.bias)) as tf.Tensor2D;
            return reconstructionLoss(truth, tf.matMul(translated, tf.tensor2d(p.pick, [domains[p.to].cols, p.n])));
          });
          total.push(tf.mul(o.sharedWeight, term(parts, 'translator/shared', tf.addN(shared) as tf.Scalar)));
        }
        return tf.addN(total) as tf.Scalar;
      });
    } finally {
      disposeBatches(batches);
    }
  };

  const { onProgress: _onProgress, ...rest } = options;
  const config: RadialConfig = {
    ...rest, scaling: o.scaling, sharedWeight: o.sharedWeight, numClasses,
    domains: domains.map((d: DomainData) => ({ rows: d.labels.length, cols: d.cols })), columnNames: domains.map((d) => d.names ?? null),
  };
  const models: Record<string, tfl.LayersModel> = {};
  nets.forEach((n, k) => Object.assign(models, { [`encoder${k}`]: n.encoder, [`decoder${k}`]: n.decoder, [`critic${k}`]: n.critic }));
  const trainable: Trainable = {
    kind: RADIALGAN_KIND,
    config,
    settings: { seed: options.seed, sampleEvery: 0, checkpointEvery: options.checkpointEvery ?? 0, keepCheckpoints: 3, logEvery: o.progressEvery, guardEvery: 100, learningRateDecay: 0 },
    models,
    optimizers,
    // Not sharded: with replicas every rank trains on the same full batches (the same result, no speed-up).
    step(env) {
      let critic: Record<string, number> = {};
      for (let c = 0; c < o.criticSteps; c++) critic = criticUpdate(env, env.rng);
      return { ...critic, ...translatorUpdate(env, env.rng) };
    },
  };
  return { trainable, rng, model: new RadialGan(domains, nets, numClasses) };
}

/** The run options with RadialGAN's progress reports (step 0, every progressEvery, the last). */
function progressOf(options: RadialGanOptions, run: LoopOptions): LoopOptions {
  const report = options.onProgress;
  const every = options.progressEvery ?? 100;
  const steps = options.steps ?? 2000;
  return reportingSteps(run, (step) => (step - 1) % every === 0 || step === steps, report && (({ step, losses: l }) => report({
    step: step - 1, criticLoss: l['critic/wasserstein'], adversarialLoss: l['translator/adversarial'], cycleLoss: l['translator/cycle'],
    reconstructionLoss: l['translator/reconstruction'], sharedLoss: l['translator/shared'] ?? 0,
  })));
}

async function trained(parts: ReturnType<typeof radialTrainable>, train: () => Promise<unknown>): Promise<RadialGan> {
  try {
    await train();
    return parts.model;
  } catch (err) {
    parts.model.dispose();
    throw err;
  } finally {
    for (const optimizer of Object.values(parts.trainable.optimizers)) optimizer.dispose();
  }
}

/** Trains encoders, decoders and critics of all domains jointly. Needs at least two domains. */
export async function trainRadialGan(domains: readonly RadialDomain[], options: RadialGanOptions, run: LoopOptions = {}): Promise<RadialGan> {
  const parts = radialTrainable(domains, options);
  const steps = resolve(options).steps;
  return trained(parts, () => startTraining(parts.trainable, { ...progressOf(options, run), progress: run.progress ?? 'off', steps, rng: parts.rng }));
}

/** Continues a RadialGAN run from its newest checkpoint on the same domains. */
export async function resumeRadialGan(domains: readonly RadialDomain[], run: LoopOptions & { steps?: number }): Promise<RadialGan> {
  const { store, checkpoint } = await checkpointToResume(RADIALGAN_KIND, run, 'resumeRadialGan');
  const config = checkpoint.state.config as RadialConfig;
  const shapes = domains.map((d) => ({ rows: d.x.rows, cols: d.x.cols }));
  if (JSON.stringify(shapes) !== JSON.stringify(config.domains)) {
    throw new Error(`${store.location} was trained on domains ${JSON.stringify(config.domains)}, not ${JSON.stringify(shapes)}`);
  }
  const names = domains.map((d) => d.x.names ?? null);
  if (config.columnNames && JSON.stringify(names) !== JSON.stringify(config.columnNames)) {
    throw new Error(`${store.location} was trained on columns named ${JSON.stringify(config.columnNames)}, not ${JSON.stringify(names)}`);
  }
  const parts = radialTrainable(domains, { ...BEFORE_SHARED_COLUMNS, ...config });
  return trained(parts, () => continueTraining(parts.trainable, checkpoint, { ...run, store, runDir: undefined, progress: run.progress ?? 'off', steps: run.steps }));
}
