// Unpaired two-way translation on the one training loop, the step CycleGAN and DiscoGAN share: gAB maps
// domain A to B, gBA maps B to A, dA judges A's images and dB B's. Each step, as CycleGAN's authors'
// optimize_parameters, is one forward of both generators, one update of both (D's weights held):
//   lossG = adv + cycleWeight * cycle + identityWeight * identity
//   adv      = G(dB(gAB(a))) + G(dA(gBA(b)))                  G: the variant's generator loss on D's logits
//   cycle    = dist(gBA(gAB(a)), a) + dist(gAB(gBA(b)), b)     dist: the variant's distance (L1, MSE)
//   identity = dist(gAB(b), b) + dist(gBA(a), a)
// then one update of both critics on real images and the step's fakes (through the history pools when
// the variant has them): lossD = D(dA(a), dA(fake a)) + D(dB(b), dB(fake b)). A term of weight 0 is not
// computed. Batches of A and B are drawn independently from the run's RNG (sampleUnpaired). Where every
// network computes each image on its own (spec.imagewise: CycleGAN's instance norm, no dropout), passes of
// one network over different images run as one batch (generatorPasses; each critic on [real, fake]): the
// same terms from fewer, larger kernel calls.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleUnpaired, validateUnpaired, type UnpairedImages } from '../../data/unpaired.js';
import { adam } from '../../optimizers.js';
import { startTraining, type LoopResult, type Trainable } from '../../train/loop.js';
import { minimize, term } from '../../train/update.js';
import { firstImages, translateForPreview, TRIPLET_COLUMNS, triplets } from '../translation-preview.js';
import { resumeVariant, withProgress, type VariantRunOptions } from '../variant-run.js';
import { PooledHistory } from './pooled-history.js';
import { requireIntegerAtLeast } from '../../models/common.js';

/** Images of each domain in a preview grid: 6 rows of two triplets, A's rows first. */
const PREVIEW_IMAGES = 6;

/** The options every two-way variant takes. */
export interface TwoWayOptions {
  seed: number;
  /** training steps (one G and one D update each), default 10000 */
  steps?: number;
  /** images of each domain per step, default 1 (CycleGAN's authors) */
  batchSize?: number;
  /** Adam step size of both players, default 2e-4 (beta1 0.5, beta2 0.999) */
  learningRate?: number;
  /** fraction of the run over which the rates fall linearly to 0, default 0.5 (CycleGAN: 100 + 100 epochs) */
  learningRateDecay?: number;
  /** checkpoint every N steps when training into a runDir or store (default: only at the end) */
  checkpointEvery?: number;
  /** a grid of a | gAB(a) | gBA(gAB(a)) and b | gBA(b) | gAB(gBA(b)) triplets every N steps (0, the default: none) */
  sampleEvery?: number;
}

/** What a checkpoint keeps beside the options: the data's shape, which a resume must match. */
export interface TwoWayData { shapeA: number[]; shapeB: number[]; countA: number; countB: number }

/** The variant's part: its networks and its objective. */
export interface TwoWaySpec {
  kind: string;
  config: TwoWayOptions & TwoWayData;
  networks: { gAB: tfl.LayersModel; gBA: tfl.LayersModel; dA: tfl.LayersModel; dB: tfl.LayersModel };
  /** G's adversarial loss on D's logits for its fakes */
  generatorLoss(fakeLogits: tf.Tensor): tf.Scalar;
  /** one critic's loss on its logits for real images and for fakes */
  discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  /** the distance of the cycle and identity terms */
  distance(output: tf.Tensor, target: tf.Tensor): tf.Scalar;
  cycleWeight: number;
  identityWeight: number;
  /** history pool capacity (0: the critics see this step's fakes) and its seeds */
  pool: { capacity: number; seedA: number; seedB: number };
  /**
   * Whether every network computes each image independently of the others in its batch (no batch norm, no
   * dropout), so that one network's passes over several batches may share one call (default false).
   */
  imagewise?: boolean;
}

/** Run options as pix2pix's: the loop's, plus onProgress every progressEvery steps. */
export type TwoWayRunOptions = VariantRunOptions;

export interface TwoWayResult {
  gAB: tfl.LayersModel;
  gBA: tfl.LayersModel;
  dA: tfl.LayersModel;
  dB: tfl.LayersModel;
  step: number;
  stopped: boolean;
  losses: Record<string, number>;
}

export function resolveTwoWay(o: TwoWayOptions, what: string) {
  const r = {
    steps: o.steps ?? 10000, batchSize: o.batchSize ?? 1, learningRate: o.learningRate ?? 2e-4,
    learningRateDecay: o.learningRateDecay ?? 0.5, checkpointEvery: o.checkpointEvery ?? 0, sampleEvery: o.sampleEvery ?? 0,
  };
  const integer = (name: string, v: number, min: number) => requireIntegerAtLeast(what, name, v, min);
  integer('steps', r.steps, 0);
  integer('batchSize', r.batchSize, 1);
  integer('checkpointEvery', r.checkpointEvery, 0);
  integer('sampleEvery', r.sampleEvery, 0);
  if (!(r.learningRate > 0)) throw new Error(`${what}: learningRate must be > 0, got ${r.learningRate}`);
  if (!(r.learningRateDecay >= 0 && r.learningRateDecay <= 1)) throw new Error(`${what}: learningRateDecay must lie in [0, 1], got ${r.learningRateDecay}`);
  return r;
}

/** The data's shape as the config keeps it; images must be [H, W, C] of one size in both domains. */
export function twoWayData(images: UnpairedImages, what: string): TwoWayData {
  validateUnpaired(images);
  const [shapeA, shapeB] = [images.a.itemShape, images.b.itemShape];
  if (shapeA.length !== 3 || shapeB.length !== 3 || shapeA[0] !== shapeB[0] || shapeA[1] !== shapeB[1]) {
    throw new Error(`${what}: domain A and B images must be [H, W, C] of one size, got [${shapeA}] and [${shapeB}]`);
  }
  return { shapeA, shapeB, countA: images.a.count, countB: images.b.count };
}

/** The variant as the loop sees it. */
export function twoWayTrainable(images: UnpairedImages, spec: TwoWaySpec): Trainable {
  const o = resolveTwoWay(spec.config, spec.kind);
  const { gAB, gBA, dA, dB } = spec.networks;
  if (spec.identityWeight > 0 && spec.config.shapeA[2] !== spec.config.shapeB[2]) {
    throw new Error(`${spec.kind}: the identity term needs as many channels in A as in B, got ${spec.config.shapeA[2]} and ${spec.config.shapeB[2]}`);
  }
  const optimizer = () => adam(o.learningRate, 0.5, 0.999);
  const optimizers = { generators: optimizer(), discriminators: optimizer() };
  const { capacity, seedA, seedB } = spec.pool;
  const pools = capacity > 0 ? { poolA: new PooledHistory(capacity, spec.config.shapeA, seedA), poolB: new PooledHistory(capacity, spec.config.shapeB, seedB) } : undefined;
  const run = (model: tfl.LayersModel, x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
  /** model on each of xs: one call on their concatenation, split back, where the networks are imagewise */
  const runEach = (model: tfl.LayersModel, xs: tf.Tensor[]): tf.Tensor[] => (spec.imagewise && xs.length > 1
    ? tf.split(run(model, tf.concat(xs)), xs.map((x) => x.shape[0])) : xs.map((x) => run(model, x)));
  const zero = () => tf.scalar(0);
  const [cycleTerm, identityTerm] = [spec.cycleWeight > 0, spec.identityWeight > 0];
  /**
   * The generators' passes the terms need. Imagewise, in three calls: gAB on [a, b] (the fake B and the
   * identity's gAB(b)), gBA on [b, a, gAB(a)] (the fake A, gBA(a), the cycle back to A), and later gAB on
   * gBA(b) for the cycle back to B, where separate passes take six. Otherwise only the fakes here, and every
   * other pass where its term needs it, in the order that keeps batch-norm moving statistics as before.
   */
  const generatorPasses = (a: tf.Tensor, b: tf.Tensor) => {
    if (!spec.imagewise) return { fakeB: run(gAB, a), fakeA: run(gBA, b) };
    const [fakeB, sameB] = runEach(gAB, identityTerm ? [a, b] : [a]);
    const [fakeA, ...rest] = runEach(gBA, [b, ...(identityTerm ? [a] : []), ...(cycleTerm ? [fakeB] : [])]);
    return { fakeB, fakeA, sameB, sameA: identityTerm ? rest[0] : undefined, backA: cycleTerm ? rest[rest.length - 1] : undefined };
  };

  return {
    kind: spec.kind,
    config: spec.config,
    settings: {
      seed: spec.config.seed, sampleEvery: o.sampleEvery, checkpointEvery: o.checkpointEvery, keepCheckpoints: 3, logEvery: 10, guardEvery: 100,
      learningRateDecay: o.learningRateDecay,
    },
    models: { gAB, gBA, dA, dB },
    preview(models) {
      const seed = spec.config.seed;
      const roundTrip = (x: tf.Tensor4D, there: tfl.LayersModel, back: tfl.LayersModel) => {
        const translated = translateForPreview(there, x, seed);
        return triplets(x, translated, translateForPreview(back, translated, seed));
      };
      return tf.concat([roundTrip(firstImages(images.a, PREVIEW_IMAGES), models.gAB, models.gBA),
        roundTrip(firstImages(images.b, PREVIEW_IMAGES), models.gBA, models.gAB)]);
    },
    previewColumns: TRIPLET_COLUMNS,
    ...(pools ? { parameters: pools } : {}),
    optimizers,
    step(env) {
      const { a, b } = sampleUnpaired(images, env.rng, o.batchSize);
      let fakes: tf.Tensor[] = [];
      const shown: tf.Tensor[] = [];
      try {
        const g = minimize(env, [gAB, gBA], optimizers.generators, (parts) => {
          const { fakeA, fakeB, sameA, sameB, backA } = generatorPasses(a, b);
          fakes = [tf.keep(fakeA), tf.keep(fakeB)];
          const adv = term(parts, 'g/adversarial', tf.add(spec.generatorLoss(run(dB, fakeB)), spec.generatorLoss(run(dA, fakeA))));
          const cycle = cycleTerm
            ? term(parts, 'g/cycle', tf.add(spec.distance(backA ?? run(gBA, fakeB), a), spec.distance(run(gAB, fakeA), b))) : zero();
          const identity = identityTerm
            ? term(parts, 'g/identity', tf.add(spec.distance(sameB ?? run(gAB, b), b), spec.distance(sameA ?? run(gBA, a), a))) : zero();
          // lossG = adv + cycleWeight * cycle + identityWeight * identity
          return tf.addN([adv, tf.mul(spec.cycleWeight, cycle), tf.mul(spec.identityWeight, identity)]) as tf.Scalar;
        });
        const [fakeA, fakeB] = fakes;
        shown.push(pools ? pools.poolA.query(fakeA) : fakeA, pools ? pools.poolB.query(fakeB) : fakeB);
        const critic = (model: tfl.LayersModel, real: tf.Tensor, fake: tf.Tensor) => {
          const [realLogits, fakeLogits] = runEach(model, [real, fake]);
          return spec.discriminatorLoss(realLogits, fakeLogits);
        };
        const d = minimize(env, [dA, dB], optimizers.discriminators, (parts) => tf.add(
          term(parts, 'dA/adversarial', critic(dA, a, shown[0])),
          term(parts, 'dB/adversarial', critic(dB, b, shown[1]))));
        return { ...g, ...d };
      } finally {
        tf.dispose([a, b, ...fakes, ...shown]);
      }
    },
    dispose() {
      pools?.poolA.dispose();
      pools?.poolB.dispose();
    },
  };
}

function resultOf(r: LoopResult, t: Trainable): TwoWayResult {
  for (const optimizer of Object.values(t.optimizers)) optimizer.dispose();
  const { gAB, gBA, dA, dB } = r.models;
  return { gAB, gBA, dA, dB, step: r.step, stopped: r.stopped, losses: r.losses };
}

/** Trains a two-way variant from step 0. */
export async function trainTwoWay(trainable: Trainable, steps: number, run: TwoWayRunOptions): Promise<TwoWayResult> {
  try {
    return resultOf(await startTraining(trainable, { ...withProgress(run, steps), progress: run.progress ?? 'off', steps }), trainable);
  } catch (e) {
    for (const model of Object.values(trainable.models)) model.dispose();
    trainable.dispose?.();
    throw e;
  }
}

/** A resume (or translation) on other images than the run trained on is refused, naming both shapes. */
export function requireSameImages(config: TwoWayData, images: UnpairedImages, where: string): void {
  const describe = (shapeA: number[], countA: number, shapeB: number[], countB: number) => `${countA} images of [${shapeA}] (A) and ${countB} of [${shapeB}] (B)`;
  const now = describe(images.a.itemShape, images.a.count, images.b.itemShape, images.b.count);
  const then = describe(config.shapeA, config.countA, config.shapeB, config.countB);
  if (now !== then) throw new Error(`${where} was trained on ${then}, not ${now}`);
}

/** Continues a two-way run of `kind` from its newest checkpoint; the result equals an uninterrupted run's. */
export async function resumeTwoWay<C extends TwoWayOptions & TwoWayData>(kind: string, rebuild: (images: UnpairedImages, config: C) => Trainable,
  images: UnpairedImages, run: TwoWayRunOptions & { steps?: number }, what: string): Promise<TwoWayResult> {
  const { result, trainable } = await resumeVariant<C>(kind, what, run, (config, where) => {
    requireSameImages(config, images, where);
    return rebuild(images, config);
  });
  return resultOf(result, trainable);
}
