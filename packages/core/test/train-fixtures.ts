// Tiny seeded models and data sources for the trainer's tests (not a test file itself).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import type { DataSource } from '../src/train/types.js';
import { createRng, randomNormal, type Rng } from '../src/random.js';
import type { ArrayDataset } from '../src/data/dataset.js';

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });

export function tinyGenerator(o: { latentDim: number; outputDim: number; seed: number; hidden?: number; numClasses?: number }): tfl.LayersModel {
  const z = tfl.input({ shape: [o.latentDim] });
  const inputs: tfl.SymbolicTensor[] = [z];
  let h: tfl.SymbolicTensor = z;
  if (o.numClasses) {
    const label = tfl.input({ shape: [1], dtype: 'int32' });
    inputs.push(label);
    const emb = tfl.layers.embedding({ inputDim: o.numClasses, outputDim: 4, embeddingsInitializer: tfl.initializers.randomNormal({ seed: o.seed + 1 }) }).apply(label) as tfl.SymbolicTensor;
    h = tfl.layers.concatenate().apply([z, tfl.layers.flatten().apply(emb) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  }
  h = tfl.layers.dense({ units: o.hidden ?? 16, activation: 'relu', kernelInitializer: init(o.seed + 2) }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: o.outputDim, kernelInitializer: init(o.seed + 3) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs, outputs: out, name: 'tiny_generator' });
}

export function tinyDiscriminator(o: { inputDim: number; seed: number; hidden?: number; numClasses?: number; auxClasses?: number; dropout?: number }): tfl.LayersModel {
  const x = tfl.input({ shape: [o.inputDim] });
  const inputs: tfl.SymbolicTensor[] = [x];
  let h: tfl.SymbolicTensor = x;
  if (o.numClasses) {
    const label = tfl.input({ shape: [1], dtype: 'int32' });
    inputs.push(label);
    const emb = tfl.layers.embedding({ inputDim: o.numClasses, outputDim: 4, embeddingsInitializer: tfl.initializers.randomNormal({ seed: o.seed + 1 }) }).apply(label) as tfl.SymbolicTensor;
    h = tfl.layers.concatenate().apply([x, tfl.layers.flatten().apply(emb) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  }
  h = tfl.layers.dense({ units: o.hidden ?? 16, kernelInitializer: init(o.seed + 2) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  if (o.dropout) h = tfl.layers.dropout({ rate: o.dropout }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 1, kernelInitializer: init(o.seed + 3) }).apply(h) as tfl.SymbolicTensor;
  const outputs = [logits];
  if (o.auxClasses) outputs.push(tfl.layers.dense({ units: o.auxClasses, kernelInitializer: init(o.seed + 4) }).apply(h) as tfl.SymbolicTensor);
  return tfl.model({ inputs, outputs: outputs.length === 1 ? logits : outputs, name: 'tiny_discriminator' });
}

/** 1-D Gaussian data N(mean, std); with `classMeans`, class k is N(classMeans[k], std) and labels come along. */
export function gaussianSource(o: { mean?: number; std: number; classMeans?: number[]; nan?: (call: number) => boolean }): DataSource {
  let calls = 0;
  return {
    size: Infinity,
    sampleBatch(rng: Rng, batchSize: number) {
      calls++;
      const poisoned = o.nan?.(calls) ?? false;
      if (o.classMeans) {
        const k = o.classMeans.length;
        const labels = Array.from({ length: batchSize }, () => rng.int(k));
        const values = labels.map((l) => o.classMeans![l] + o.std * rng.normal());
        return { x: tf.tensor2d(values, [batchSize, 1]), labels: tf.tensor1d(labels, 'int32') };
      }
      const x = tf.tidy(() => tf.add(tf.mul(randomNormal(rng, [batchSize, 1]), o.std), o.mean ?? 0));
      if (!poisoned) return { x };
      const bad = tf.fill([batchSize, 1], NaN);
      x.dispose();
      return { x: bad };
    },
  };
}

/** Every weight of every named model as plain numbers, to compare two runs with deepEqual. */
export function weightsByModel(models: Record<string, { getWeights(): tf.Tensor[] }>): Record<string, number[][]> {
  return Object.fromEntries(Object.entries(models).map(([name, m]) => [name, m.getWeights().map((w) => Array.from(w.dataSync()))]));
}

export async function weightsOf(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => Float32Array.from(await w.read().data())));
}

export function assertSameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => x.length === b[i].length && x.every((v, j) => Object.is(v, b[i][j])));
}

/** n smooth, slightly noisy RGB images side x side in (-1, 1), named 'tiny': the image GANs' test data. */
export function tinyRgbImages(n: number, side: number): ArrayDataset {
  const rng = createRng(5);
  const values = Float32Array.from({ length: n * side * side * 3 }, (_, i) => Math.tanh(Math.sin(i / 7) + 0.3 * (rng.next() - 0.5)));
  return { name: 'tiny', itemShape: [side, side, 3], count: n, values };
}
