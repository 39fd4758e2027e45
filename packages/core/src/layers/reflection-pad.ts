// Reflection padding (CycleGAN's ResNet generator pads with nn.ReflectionPad2d before every 3x3 and 7x7
// convolution, so borders see image content rather than zeros): row -1 is row 1, row H is row H - 2.
// One tf.mirrorPad kernel; its gradient (tfjs 4.22's drops what flowed through the reflected borders) is
// core's, registered in tfjs-gradients/mirror-pad.ts, which this module imports for that reason.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../tfjs-gradients/mirror-pad.js';
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

/** Reflection-pads [N, H, W, C] by rows above and below and cols left and right. */
export function reflectPad2d(x: tf.Tensor, padding: Padding2D): tf.Tensor {
  const [rows, cols] = pair(padding, 'reflectPad2d');
  if (x.rank !== 4) throw new Error(`reflectPad2d expects [N, H, W, C] input, got [${x.shape.join(', ')}]`);
  checkFits(x, 1, rows);
  checkFits(x, 2, cols);
  return tf.mirrorPad(x, [[0, 0], [rows, rows], [cols, cols], [0, 0]], 'reflect');
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
