// Reflection padding (CycleGAN's ResNet generator pads with nn.ReflectionPad2d before every 3x3 and 7x7
// convolution, so borders see image content rather than zeros): row -1 is row 1, row H is row H - 2.
// The forward pass is one tf.mirrorPad kernel; its gradient is written here (customGrad) because tfjs
// 4.22's MirrorPad gradient slices the interior out of dy and drops what flowed through the reflected
// border (for [a, b, c] padded by 1, d/db of the sum is 1 instead of 3). Ours folds each reflected border
// of dy back onto the pixels it copied, from slice, reverse, pad and add: every backend has them, they are
// linear in dy (so gradients of any order are exact). Where the backend registers GantryMirrorPadGrad (the
// torch backend) the fold is that one kernel instead of sixteen; its own gradient is the padding again.
// The slice, reverse and concat composition this replaces cost ten kernel calls forward per use where this
// costs one.
import * as tf from '@tensorflow/tfjs-core';
import { MIRROR_PAD_GRAD_KERNEL, type MirrorPadGradAttrs } from '@gantry/kernels';
import type { CustomGradientFunc } from '@tensorflow/tfjs-core/dist/engine.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { backendHasKernel } from '../tfjs-gradients/fused-ops.js';
import { single, singleShape, type Shape } from './common.js';

export type Padding2D = number | [number, number];

function pair(padding: Padding2D, what: string): [number, number] {
  const p: [number, number] = typeof padding === 'number' ? [padding, padding] : padding;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${what} padding must be a non-negative integer or [rows, cols], got ${JSON.stringify(padding)}`);
  }
  return p;
}

function checkFits(x: tf.Tensor, axis: number, p: number): void {
  const n = x.shape[axis];
  if (p >= n) throw new Error(`reflection padding ${p} needs more than ${p} pixels along axis ${axis}, got ${n}`);
}

// The gradient of reflection padding by p along one axis of length n (dy has n + 2p there): the interior
// of dy, plus each border reversed onto the pixels it reflects (rows 1..p and n-1-p..n-2).
function foldAxis(dy: tf.Tensor, axis: number, p: number): tf.Tensor {
  if (p === 0) return dy;
  const n = dy.shape[axis] - 2 * p;
  const take = (start: number, length: number) => {
    const begin = dy.shape.map((_, i) => (i === axis ? start : 0));
    const size = dy.shape.map((s, i) => (i === axis ? length : s));
    return tf.slice(dy, begin, size);
  };
  const placed = (start: number, border: tf.Tensor) => {
    const paddings = dy.shape.map((_, i): [number, number] => (i === axis ? [start, n - start - p] : [0, 0]));
    return tf.pad(tf.reverse(border, axis), paddings);
  };
  return tf.addN([take(p, n), placed(1, take(0, p)), placed(n - 1 - p, take(n + p, p))]);
}

// The gradient of reflection padding [N, H, W, C] by rows and cols.
function unpadGradient(dy: tf.Tensor, rows: number, cols: number): tf.Tensor {
  if (!backendHasKernel(MIRROR_PAD_GRAD_KERNEL)) return foldAxis(foldAxis(dy, 1, rows), 2, cols);
  const attrs: MirrorPadGradAttrs = { paddings: [[0, 0], [rows, rows], [cols, cols], [0, 0]], mode: 'reflect' };
  return tf.engine().runKernel(MIRROR_PAD_GRAD_KERNEL, { dy }, { ...attrs }) as tf.Tensor;
}

tf.registerGradient({
  kernelName: MIRROR_PAD_GRAD_KERNEL,
  // The kernel is linear in dy, and its adjoint is the padding itself (reflectPad2d's, exact to any order).
  gradFunc: (ddx, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as MirrorPadGradAttrs;
    if (mode !== 'reflect' || paddings.length !== 4 || paddings[0].some((p) => p !== 0) || paddings[3].some((p) => p !== 0)) {
      throw new Error(`${MIRROR_PAD_GRAD_KERNEL}: a gradient only for reflection padding of height and width, got ${mode} ${JSON.stringify(paddings)}`);
    }
    return { dy: () => reflectPad2d(ddx as tf.Tensor, [paddings[1][0], paddings[2][0]]) };
  },
});

/** Reflection-pads [N, H, W, C] by rows above and below and cols left and right. */
export function reflectPad2d(x: tf.Tensor, padding: Padding2D): tf.Tensor {
  const [rows, cols] = pair(padding, 'reflectPad2d');
  if (x.rank !== 4) throw new Error(`reflectPad2d expects [N, H, W, C] input, got [${x.shape.join(', ')}]`);
  checkFits(x, 1, rows);
  checkFits(x, 2, cols);
  const pad = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.mirrorPad(input, [[0, 0], [rows, rows], [cols, cols], [0, 0]], 'reflect'),
    gradFunc: (dy: tf.Tensor) => unpadGradient(dy, rows, cols),
  })) as unknown as CustomGradientFunc<tf.Tensor>);
  return pad(x);
}

export interface ReflectionPadding2DArgs { padding: Padding2D; name?: string }

export class ReflectionPadding2D extends tfl.layers.Layer {
  static className = 'ReflectionPadding2D';
  readonly padding: [number, number];

  constructor(args: ReflectionPadding2DArgs) {
    super({ name: args.name });
    this.padding = pair(args.padding, 'ReflectionPadding2D');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 4) throw new Error(`ReflectionPadding2D expects [N, H, W, C] input, got [${shape.join(', ')}]`);
    const grow = (d: number | null, p: number) => (d === null ? null : d + 2 * p);
    return [shape[0], grow(shape[1], this.padding[0]), grow(shape[2], this.padding[1]), shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return reflectPad2d(single(inputs, this.name), this.padding);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}

tf.serialization.registerClass(ReflectionPadding2D);
