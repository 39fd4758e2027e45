// CTGAN's networks as tfjs variables with explicit forward functions (any backend).
//
// Generator: residual blocks h -> [relu(batchnorm(fc(h))), h] (each block concatenates its output to its
// input, as in CTGAN), then a linear layer to the transformed row's width. Batch norm normalises with the
// batch's statistics during training and keeps running averages (momentum 0.1, as PyTorch) that sampling uses.
// Why not batch statistics at sampling time too: a conditional batch asks every row for the same category, so
// the cond vector is constant over the batch and batch norm would subtract its whole effect.
// Discriminator: fc -> leaky ReLU (0.2) -> dropout (0.5) per hidden layer, then one linear output, applied to
// PacGAN packs (pac rows concatenated into one input). Dropout masks are given by the caller (drawn from a
// seeded Rng) so a step is reproducible, and one mask serves the real, fake and interpolated packs of a step.
// Weights start as PyTorch's nn.Linear defaults, U(-1/sqrt(fanIn), 1/sqrt(fanIn)), drawn from a gantry Rng by
// drawDenseWeights, the dense-network builder's draw (the residual blocks are not a plain stack).
import * as tf from '@tensorflow/tfjs-core';
import { drawDenseWeights } from '../../models/dense-network.js';
import { denseForward } from '../../tfjs-gradients/fused-ops.js';
import type { Rng } from '../../random.js';
import type { OutputSpan } from './transformer.js';

export interface Dense {
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
}

export interface ResidualBlock {
  fc: Dense;
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  /** Not trained: running averages of the batch mean and (unbiased) variance, for sampling. */
  runningMean: tf.Variable<tf.Rank.R1>;
  runningVar: tf.Variable<tf.Rank.R1>;
}

export interface Generator { blocks: ResidualBlock[]; out: Dense }
export interface Discriminator { hidden: Dense[]; out: Dense }

function dense(rng: Rng, inputs: number, outputs: number): Dense {
  const { kernel, bias } = drawDenseWeights(rng, inputs, outputs, 'torch-uniform');
  // tidy frees the initial values; the variables survive it.
  return tf.tidy(() => ({ w: tf.variable(tf.tensor2d(kernel, [inputs, outputs])), b: tf.variable(tf.tensor1d(bias)) }));
}

export function createGenerator(rng: Rng, inputs: number, hidden: readonly number[], outputs: number): Generator {
  const blocks: ResidualBlock[] = [];
  let width = inputs;
  for (const h of hidden) {
    const fc = dense(rng, width, h);
    const [gamma, beta, runningMean, runningVar] = tf.tidy(() => [
      tf.variable(tf.ones([h])), tf.variable(tf.zeros([h])), tf.variable(tf.zeros([h]), false), tf.variable(tf.ones([h]), false),
    ]) as tf.Variable<tf.Rank.R1>[];
    blocks.push({ fc, gamma, beta, runningMean, runningVar });
    width += h;
  }
  return { blocks, out: dense(rng, width, outputs) };
}

export function createDiscriminator(rng: Rng, inputs: number, hidden: readonly number[]): Discriminator {
  const layers: Dense[] = [];
  let width = inputs;
  for (const h of hidden) { layers.push(dense(rng, width, h)); width = h; }
  return { hidden: layers, out: dense(rng, width, 1) };
}

export function generatorVariables(g: Generator): tf.Variable[] {
  return [...g.blocks.flatMap((b) => [b.fc.w, b.fc.b, b.gamma, b.beta]), g.out.w, g.out.b];
}

/** Everything a trained generator needs for sampling: its variables, then the running batch-norm statistics. */
export function generatorState(g: Generator): tf.Variable[] {
  return [...generatorVariables(g), ...g.blocks.flatMap((b) => [b.runningMean, b.runningVar])];
}

export function discriminatorVariables(d: Discriminator): tf.Variable[] {
  return [...d.hidden.flatMap((l) => [l.w, l.b]), d.out.w, d.out.b];
}

function affine(x: tf.Tensor2D, l: Dense): tf.Tensor2D {
  return denseForward(x, l.w, l.b, 'linear');
}

/**
 * The generator's raw outputs (before tanh / softmax) for inputs [z | cond]. 'batch': batch norm with the batch's
 * statistics (training); with updateRunning it also moves the running averages (call it outside gradient tapes).
 * 'running': with the running averages (sampling).
 */
export function generatorLogits(g: Generator, input: tf.Tensor2D, statistics: 'batch' | 'running' = 'batch', updateRunning = false): tf.Tensor2D {
  let h = input;
  const rows = input.shape[0];
  for (const block of g.blocks) {
    const y = affine(h, block.fc);
    let mean: tf.Tensor = block.runningMean;
    let variance: tf.Tensor = block.runningVar;
    if (statistics === 'batch') {
      ({ mean, variance } = tf.moments(y, 0));
      if (updateRunning) {
        const unbiased = tf.mul(variance, rows / Math.max(1, rows - 1));
        block.runningMean.assign(tf.add(tf.mul(block.runningMean, 0.9), tf.mul(mean, 0.1)));
        block.runningVar.assign(tf.add(tf.mul(block.runningVar, 0.9), tf.mul(unbiased, 0.1)));
      }
    }
    const normed = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, 1e-5))), block.gamma), block.beta);
    h = tf.concat([tf.relu(normed) as tf.Tensor2D, h], 1);
  }
  return affine(h, g.out);
}

/** Inverted dropout masks (0 or 1 / (1 - rate)), one per hidden layer, for `packs` packs. */
export function dropoutMasks(d: Discriminator, packs: number, rate: number, rng: Rng): tf.Tensor2D[] {
  return d.hidden.map((l) => {
    const width = l.b.shape[0];
    const m = new Float32Array(packs * width);
    const keep = 1 / (1 - rate);
    for (let i = 0; i < m.length; i++) m[i] = rng.next() < rate ? 0 : keep;
    return tf.tensor2d(m, [packs, width]);
  });
}

/** Critic scores [packs, 1] of packed rows [packs, pac * rowWidth]. masks: from dropoutMasks, or none (no dropout). */
export function discriminatorScores(d: Discriminator, packed: tf.Tensor2D, masks?: readonly tf.Tensor2D[]): tf.Tensor2D {
  let h = packed;
  d.hidden.forEach((l, k) => {
    // The gradient penalty differentiates this twice: denseForward's and leakyRelu's gradients are differentiable.
    h = tf.leakyRelu(affine(h, l), 0.2);
    if (masks) h = tf.mul(h, masks[k]);
  });
  return affine(h, d.out);
}

/** PacGAN: pac consecutive rows become one row of pac times the width. */
export function pack(rows: tf.Tensor2D, pac: number): tf.Tensor2D {
  const [n, w] = rows.shape;
  if (n % pac !== 0) throw new Error(`pack: ${n} rows do not split into packs of ${pac}`);
  return tf.reshape(rows, [n / pac, pac * w]);
}

/**
 * How to turn logits into a row: tanh on scalar outputs, a softmax per one-hot span. Spans of the same size
 * are gathered and soft-maxed together (one kernel per size instead of one per column), then put back.
 */
export interface OutputPlan {
  width: number;
  tanhColumns: Int32Array;
  /** Per distinct span size: the columns of all spans of that size, span after span. */
  softmaxGroups: { size: number; columns: Int32Array }[];
  /** Position of each output column in [tanh | group 0 | group 1 | ...]. */
  restore: Int32Array;
}

export function outputPlan(spans: readonly OutputSpan[], width: number): OutputPlan {
  const tanh: number[] = [];
  const bySize = new Map<number, number[]>();
  for (const s of spans) {
    if (s.activation === 'tanh') { for (let k = 0; k < s.size; k++) tanh.push(s.start + k); continue; }
    const list = bySize.get(s.size) ?? [];
    for (let k = 0; k < s.size; k++) list.push(s.start + k);
    bySize.set(s.size, list);
  }
  const groups = [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([size, cols]) => ({ size, columns: Int32Array.from(cols) }));
  const order = [...tanh, ...groups.flatMap((g) => [...g.columns])];
  if (order.length !== width) throw new Error(`outputPlan: spans cover ${order.length} of ${width} outputs`);
  const restore = new Int32Array(width);
  order.forEach((col, pos) => { restore[col] = pos; });
  return { width, tanhColumns: Int32Array.from(tanh), softmaxGroups: groups, restore };
}

/**
 * tanh on scalars, Gumbel-softmax softmax((logits + g) / temperature) on one-hot spans. gumbel: [rows, width]
 * standard Gumbel noise (only one-hot positions are read), or undefined for a plain softmax.
 */
export function activateOutputs(plan: OutputPlan, logits: tf.Tensor2D, temperature: number, gumbel?: tf.Tensor2D): tf.Tensor2D {
  const rows = logits.shape[0];
  const parts: tf.Tensor2D[] = [];
  if (plan.tanhColumns.length > 0) parts.push(tf.tanh(tf.gather(logits, plan.tanhColumns, 1)));
  const noisy = tf.div(gumbel ? tf.add(logits, gumbel) : logits, temperature);
  for (const g of plan.softmaxGroups) {
    const picked = tf.reshape(tf.gather(noisy, g.columns, 1), [rows, g.columns.length / g.size, g.size]);
    parts.push(tf.reshape(tf.softmax(picked), [rows, g.columns.length]));
  }
  return tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts, 1), plan.restore, 1);
}

/** Standard Gumbel noise -log(-log(u)), u uniform in (0, 1), from a seeded Rng. */
export function gumbelNoise(rng: Rng, rows: number, width: number): tf.Tensor2D {
  const g = new Float32Array(rows * width);
  for (let i = 0; i < g.length; i++) {
    const u = Math.min(1 - 1e-7, Math.max(1e-7, rng.next()));
    g[i] = -Math.log(-Math.log(u));
  }
  return tf.tensor2d(g, [rows, width]);
}
