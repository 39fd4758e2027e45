// Conditional StyleGAN and ProGAN (gans/class-conditioning.ts) at 8 px with tiny widths: unconditional networks
// keep the weight list they had before conditioning existed; a conditional G's image depends on the class for a
// fixed seed; both discriminators' projection term matches a hand computation psi(phi) + <E[y], phi>; conditional
// runs stopped and resumed end bit for bit as uninterrupted ones, natively on torch; bad input (no labels, a class where none is
// taken, none where one is needed) is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '../src/node.js';
import {
  CLASS_PROJECTION, discriminateAt, mappingNetwork, memoryRunStore, oneHotClasses, proganDiscriminator, proganGenerator, proganSample,
  resumeProgan, resumeStylegan, styleganDiscriminator, styleganGenerator, styleganSample, trainProgan, trainStylegan, type ArrayDataset,
  type ProganOptions, type StyleganOptions,
} from '../src/index.js';
import { weightValues } from './pix2pix-fixtures.js';
import { tinyRgbImages } from './train-fixtures.js';

const engine = await import('@gantry/tfjs-backend-torch').then((m) => m, () => null);
await tf.setBackend(engine ? 'torch' : 'cpu');

const net = { resolution: 8, latentDim: 8, mappingDepth: 2, maxChannels: 4, channelBase: 32, seed: 1 };
const labelled = (n: number): ArrayDataset => ({
  ...tinyRgbImages(n, 8), labels: Int32Array.from({ length: n }, (_, i) => i % 3), numClasses: 3, classNames: ['smileys', 'animals', 'food'],
});
const stylegan: StyleganOptions = { ...net, seed: 4, steps: 4, batchSize: 4, r1Every: 2, emaDecay: 0.9, augment: ['translation'], conditional: true };
const progan: ProganOptions = { ...net, seed: 3, steps: 6, batchSize: 4, phaseSteps: 2, fadeFraction: 1, emaDecay: 0.9, conditional: true };
const names = (m: tfl.LayersModel) => m.weights.map((w) => `${w.originalName}:${w.shape.join('x')}`);
const gap = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

test('unconditional networks keep the weights they had before conditioning existed (checkpoints load as before)', () => {
  assert.deepEqual(names(mappingNetwork(net)), ['dense0/kernel:8x8', 'dense0/bias:8', 'dense1/kernel:8x8', 'dense1/bias:8', 'w/w_avg:8']);
  assert.deepEqual(names(styleganDiscriminator(net)), [
    'from_rgb/kernel:1x1x3x4', 'from_rgb/bias:4', 'conv8_0/kernel:3x3x4x4', 'conv8_0/bias:4', 'conv8_1/kernel:3x3x4x4', 'conv8_1/bias:4',
    'conv4/kernel:3x3x5x4', 'conv4/bias:4', 'dense/kernel:64x4', 'dense/bias:4', 'logit/kernel:4x1', 'logit/bias:1']);
  assert.deepEqual(names(proganGenerator(net)), [
    's4_dense/kernel:8x64', 's4_dense/bias:64', 's4_conv/kernel:3x3x4x4', 's4_conv/bias:4', 's8_conv0/kernel:3x3x4x4', 's8_conv0/bias:4',
    's8_conv1/kernel:3x3x4x4', 's8_conv1/bias:4', 's4_to_rgb/kernel:1x1x4x3', 's4_to_rgb/bias:3', 's8_to_rgb/kernel:1x1x4x3', 's8_to_rgb/bias:3']);
  assert.deepEqual(names(proganDiscriminator(net)), [
    's8_from_rgb/kernel:1x1x3x4', 's8_from_rgb/bias:4', 's8_conv0/kernel:3x3x4x4', 's8_conv0/bias:4', 's8_conv1/kernel:3x3x4x4', 's8_conv1/bias:4',
    's4_from_rgb/kernel:1x1x3x4', 's4_from_rgb/bias:4', 's4_conv/kernel:3x3x5x4', 's4_conv/bias:4', 's4_dense/kernel:64x4', 's4_dense/bias:4',
    's4_logit/kernel:4x1', 's4_logit/bias:1']);
  assert.ok(names(styleganDiscriminator({ ...net, numClasses: 3 })).includes('class_projection/kernel:3x4'), 'a conditional D holds E');
});

test('a conditional generator draws a different image per class for a fixed seed, the same for the same class', () => {
  const style = styleganGenerator({ ...net, numClasses: 3 });
  const pro = proganGenerator({ ...net, numClasses: 3 });
  const sample = [(c: number) => styleganSample(style, [7], { classIndex: c }), (c: number) => proganSample(pro, [7], undefined, c)];
  for (const [i, draw] of sample.entries()) {
    const what = ['StyleGAN', 'ProGAN'][i];
    assert.equal(gap(draw(1), draw(1)), 0, `${what}: same class, same image`);
    assert.ok(gap(draw(0), draw(1)) > 1e-4, `${what}: class 0 and 1 draw the same image`);
  }
});

test("both discriminators' projection term matches psi(phi(x)) + <E[y], phi(x)> by hand", () => {
  const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3);
  const classes = [2, 0, 1, 2];
  const y = oneHotClasses(classes, 3);
  const byHand = (features: tf.Tensor, logit: tf.Tensor, table: tf.Tensor) => {
    const f = features.arraySync() as number[][];
    const e = table.arraySync() as number[][];
    return (logit.arraySync() as number[][]).map(([l], n) => l + f[n].reduce((sum, v, j) => sum + v * e[classes[n]][j], 0));
  };
  const close = (got: tf.Tensor, want: number[], what: string) => {
    const values = Array.from(got.dataSync());
    assert.ok(values.every((v, n) => Math.abs(v - want[n]) < 1e-4), `${what}: ${JSON.stringify(values)} vs ${JSON.stringify(want)}`);
  };
  const sd = styleganDiscriminator({ ...net, numClasses: 3 });
  const phi = tfl.model({ inputs: sd.inputs, outputs: sd.getLayer('dense_act').output as tfl.SymbolicTensor }).predict([x, y]) as tf.Tensor;
  const table = sd.getLayer(CLASS_PROJECTION).getWeights()[0];
  close(sd.predict([x, y]) as tf.Tensor, byHand(phi, sd.getLayer('logit').apply(phi) as tf.Tensor, table), 'StyleGAN D');

  const pd = proganDiscriminator({ ...net, numClasses: 3 });
  const layers = ['s8_from_rgb', 's8_conv0', 's8_conv1', 's8_pool', 's4_stddev', 's4_conv', 's4_flatten', 's4_dense'];
  const features = layers.reduce((h, name) => pd.getLayer(name).apply(h) as tf.Tensor, x);
  const want = byHand(features, pd.getLayer('s4_logit').apply(features) as tf.Tensor, pd.getLayer(CLASS_PROJECTION).getWeights()[0]);
  close(discriminateAt(pd, x, { resolution: 8, alpha: 1 }, false, y), want, 'ProGAN D');
  const graph = pd.predict([y, tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), x]) as tf.Tensor[];
  close(graph[1], want, "ProGAN D's graph output at 8 px");
});

test('conditional runs stopped and resumed end bit for bit as uninterrupted ones', async () => {
  for (const [what, train, resume, options, stopAt] of [
    ['StyleGAN', trainStylegan, resumeStylegan, stylegan, 2], ['ProGAN', trainProgan, resumeProgan, progan, 3],
  ] as const) {
    engine?.resetFallbackCounts();
    const store = memoryRunStore();
    const stop = new AbortController();
    const run = (o: typeof options, r: Parameters<typeof trainStylegan>[2]) => (train as (d: ArrayDataset, o: unknown, r: unknown) => ReturnType<typeof trainProgan | typeof trainStylegan>)(labelled(8), o, r);
    await run(options, { store, signal: stop.signal, callbacks: { onStep: ({ step }) => { if (step === stopAt) stop.abort(); } } });
    const resumed = await (resume as (d: ArrayDataset, r: unknown) => ReturnType<typeof resumeProgan | typeof resumeStylegan>)(labelled(8), { store });
    const straight = await run(options, { store: memoryRunStore() });
    assert.equal(resumed.step, options.steps, what);
    for (const key of ['generator', 'averaged', 'discriminator'] as const) {
      const models = (r: typeof resumed) => { const m = r[key]; return 'mapping' in m ? [m.mapping, m.synthesis] : [m]; };
      const [a, b] = [models(resumed), models(straight)];
      for (let i = 0; i < a.length; i++) assert.deepEqual(await weightValues(a[i]), await weightValues(b[i]), `${what} ${key}`);
    }
    assert.ok(Object.values(straight.losses).every(Number.isFinite), `${what}: ${JSON.stringify(straight.losses)}`);
    if (engine) assert.deepEqual(engine.fallbackCounts(), {}, `${what}: every kernel of a conditional step runs natively on torch`);
  }
});

test('bad input: conditional without labels, a class for an unconditional G, none for a conditional one', async () => {
  await assert.rejects(trainStylegan(tinyRgbImages(4, 8), stylegan), /StyleGAN: conditional training needs class labels, and dataset tiny has none/);
  await assert.rejects(trainProgan(tinyRgbImages(4, 8), progan), /ProGAN: conditional training needs class labels, and dataset tiny has none/);
  assert.throws(() => styleganSample(styleganGenerator(net), [1], { classIndex: 0 }), /is unconditional: it takes no class/);
  assert.throws(() => proganSample(proganGenerator(net), [1], undefined, 0), /is unconditional: it takes no class/);
  assert.throws(() => styleganSample(styleganGenerator({ ...net, numClasses: 3 }), [1]), /conditional: give a class/);
  assert.throws(() => proganSample(proganGenerator({ ...net, numClasses: 3 }), [1]), /conditional: give a class/);
  assert.throws(() => proganSample(proganGenerator({ ...net, numClasses: 3 }), [1], undefined, 3), /class 3 outside \[0, 3\)/);
});
