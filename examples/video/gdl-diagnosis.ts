// Why adversarial+gdl collapsed (docs/video.md): short runs of the next-frame predictor (seed 1, 32 px,
// 16 sequences a step) under one objective each, printing every --every steps what the predictor does with
// 32 sequences of the fixed test set: its raw output (mean, std, min, max), the edge energy of its clipped
// frames 1, 5 and 10 over the truth's (summed over the sequences; 0 = flat frames), the test MSE, the norm of
// each weighted loss term's gradient with respect to the predicted frames, D's mean sigmoid on true and
// predicted sequences (first scale), and the share of the last ReLU layer's maps (dec1) positive anywhere
// (a map that never is, is dead: no gradient reaches it again). A config {"warm": true} starts from the
// predictor of the last 'mse' config run before it.
//   GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/video/gdl-diagnosis.ts \
//     --steps 600 --configs '{"loss":"adversarial+gdl","gdlAlpha":1,"lambdaGdl":0.5};{"loss":"adversarial+gdl","gdlAlpha":1,"lambdaGdl":0.5,"lambdaAdv":0}'
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  framesAsChannels, gradientDifferenceLoss, loadMnistPackage, movingMnist, nonSaturating, reportingSteps, resolveVideoOptions, startTraining, videoTrainable,
  type VideoOptions,
} from '@gantry/core/node';
import { useFastestBackend } from '../tables/docs-section.js';
import { cpuSeconds } from '../common/measure.js';

const { values } = parseArgs({ options: { configs: { type: 'string' }, steps: { type: 'string', default: '600' }, every: { type: 'string', default: '100' } } });
if (!values.configs) throw new Error('--configs: give one or more JSON video options separated by ";" (see the header)');
await useFastestBackend();
const digits = loadMnistPackage({ split: 'train' });
const test = movingMnist(loadMnistPackage({ split: 'test' }), { count: 32, seed: 2015, size: 32, digits: 2 });
const context = framesAsChannels(test, 0, 10);
const truth = framesAsChannels(test, 10, 20);
const round = (x: number) => Number(x.toPrecision(3));
const scalar = (x: tf.Tensor) => x.dataSync()[0];

/** Summed |horizontal| + |vertical| neighbour differences of one frame (channel) of every sequence. */
const edgeEnergy = (x: tf.Tensor4D, frame: number) => tf.tidy(() => {
  const f = tf.slice(x, [0, 0, 0, frame], [-1, -1, -1, 1]);
  const [h, w] = [x.shape[1], x.shape[2]];
  const dx = tf.abs(tf.sub(tf.slice(f, [0, 0, 1, 0], [-1, -1, w - 1, -1]), tf.slice(f, [0, 0, 0, 0], [-1, -1, w - 1, -1])));
  const dy = tf.abs(tf.sub(tf.slice(f, [0, 1, 0, 0], [-1, h - 1, -1, -1]), tf.slice(f, [0, 0, 0, 0], [-1, h - 1, -1, -1])));
  return scalar(tf.add(tf.sum(dx), tf.sum(dy)));
});

let warmWeights: tf.Tensor[] | undefined;
for (const spec of values.configs.split(';')) {
  const { warm, ...given } = JSON.parse(spec) as Partial<VideoOptions> & { warm?: boolean };
  const options: VideoOptions = { seed: 1, size: 32, digits: 2, context: 10, future: 10, batchSize: 16, steps: Number(values.steps), ...given };
  const o = resolveVideoOptions(options);
  const trainable = videoTrainable(digits, options);
  const { predictor, discriminator } = trainable.models;
  if (warm) {
    if (!warmWeights) throw new Error(`--configs: ${spec} starts warm, but no 'mse' config ran before it`);
    predictor.setWeights(warmWeights);
  }
  const dec1 = tfl.model({ inputs: predictor.inputs, outputs: predictor.getLayer('predictor_dec1').output as tfl.SymbolicTensor });
  const gan = nonSaturating();
  const start = cpuSeconds();
  const report = ({ step, losses }: { step: number; losses: Record<string, number> }) => {
    const info = tf.tidy(() => {
      const p = predictor.predict(context) as tf.Tensor4D;
      const clipped = tf.clipByValue(p, 0, 1) as tf.Tensor4D;
      const gradNorm = (f: (x: tf.Tensor4D) => tf.Scalar) => scalar(tf.norm(tf.grad((x: tf.Tensor) => f(x as tf.Tensor4D))(p)));
      const adv = (x: tf.Tensor4D) => {
        const logits = [discriminator.apply(tf.concat([context, x], 3)) as tf.Tensor | tf.Tensor[]].flat();
        return tf.div(tf.addN(logits.map((l) => gan.generator(l))), logits.length) as tf.Scalar;
      };
      const firstScale = (x: tf.Tensor) => scalar(tf.mean(tf.sigmoid([discriminator.predict(tf.concat([context, x], 3))].flat()[0] as tf.Tensor)));
      return {
        output: [scalar(tf.mean(p)), scalar(tf.sqrt(tf.moments(p).variance)), scalar(tf.min(p)), scalar(tf.max(p))].map(round),
        edgeRatio: [0, 4, 9].map((f) => round(edgeEnergy(clipped, f) / edgeEnergy(truth, f))),
        testMse: round(scalar(tf.losses.meanSquaredError(truth, clipped))),
        gradNorm: {
          mse: round(gradNorm((x) => tf.losses.meanSquaredError(truth, x) as tf.Scalar)),
          adv: discriminator ? round(o.lambdaAdv * gradNorm(adv)) : 0,
          gdl: round(o.lambdaGdl * gradNorm((x) => gradientDifferenceLoss(x, truth, o.gdlAlpha))),
        },
        dReal: discriminator ? round(firstScale(truth)) : undefined,
        dFake: discriminator ? round(firstScale(p)) : undefined,
        aliveDec1: round(scalar(tf.mean(tf.cast(tf.greater(tf.max(dec1.predict(context) as tf.Tensor, [0, 1, 2]), 0), 'float32')))),
      };
    });
    const rounded = Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, round(v)]));
    console.log(JSON.stringify({ config: spec, step, cpuSeconds: round(cpuSeconds() - start), losses: rounded, ...info }));
  };
  const every = Number(values.every);
  const result = await startTraining(trainable, { ...reportingSteps({ progress: 'off' }, (s) => s % every === 0 || s === o.steps, report), steps: o.steps });
  if (o.loss === 'mse') warmWeights = result.models.predictor.getWeights().map((w) => w.clone());
  for (const optimizer of Object.values(trainable.optimizers)) optimizer.dispose();
}
