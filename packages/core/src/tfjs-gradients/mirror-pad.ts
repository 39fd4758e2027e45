// tfjs 4.22's MirrorPad gradient slices the interior out of dy and drops what flowed through the mirrored
// borders (for [a, b, c] reflection-padded by 1, d/db of the sum is 1 instead of 3). The gradient registered
// here folds each border of dy back onto the pixels it copied, for both modes, any rank and uneven
// paddings, and saves nothing (dy and the attributes say everything), so tf.mirrorPad itself is right to
// differentiate and needs no custom-gradient wrapper (reflection padding, CycleGAN's ResNet generator).
// Where the backend registers GantryMirrorPadGrad (torch) the fold is that one kernel; elsewhere it is
// slice, reverse, pad and addN, which every backend has. Both are linear in dy, and the fold's own
// gradient is the padding again, so gradients of any order are exact.
// tfjs-layers registers all of tfjs's gradients on load; importing it first guarantees ours override them.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { MIRROR_PAD_GRAD_KERNEL, type MirrorPadGradAttrs } from '@gantry/kernels';
import { backendHasKernel } from './fused-ops.js';

type Mode = MirrorPadGradAttrs['mode'];

// One axis of the fold: dy has before + n + after there. Reflection skips the edge pixel (padded row -1
// is row 1), symmetric padding repeats it (row -1 is row 0).
function foldAxis(dy: tf.Tensor, axis: number, [before, after]: [number, number], mode: Mode): tf.Tensor {
  if (before === 0 && after === 0) return dy;
  const n = dy.shape[axis] - before - after;
  const edge = mode === 'reflect' ? 1 : 0;
  const take = (start: number, length: number) => tf.slice(
    dy, dy.shape.map((_, i) => (i === axis ? start : 0)), dy.shape.map((s, i) => (i === axis ? length : s)));
  const placed = (border: tf.Tensor, start: number, length: number) => tf.pad(
    tf.reverse(border, axis), dy.shape.map((_, i): [number, number] => (i === axis ? [start, n - start - length] : [0, 0])));
  const parts = [take(before, n)];
  if (before > 0) parts.push(placed(take(0, before), edge, before));
  if (after > 0) parts.push(placed(take(before + n, after), n - after - edge, after));
  return tf.addN(parts);
}

/** The gradient of tf.mirrorPad(x, paddings, mode) for dy, shaped as x. */
export function mirrorPadGradient(dy: tf.Tensor, paddings: Array<[number, number]>, mode: Mode): tf.Tensor {
  if (dy.dtype === 'float32' && backendHasKernel(MIRROR_PAD_GRAD_KERNEL)) {
    const attrs: MirrorPadGradAttrs = { paddings, mode };
    return tf.engine().runKernel(MIRROR_PAD_GRAD_KERNEL, { dy }, { ...attrs }) as tf.Tensor;
  }
  return tf.tidy(() => paddings.reduce((folded, padding, axis) => foldAxis(folded, axis, padding, mode), dy));
}

tf.registerGradient({
  kernelName: 'MirrorPad',
  gradFunc: (dy, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as MirrorPadGradAttrs;
    return { x: () => mirrorPadGradient(dy as tf.Tensor, paddings, mode) };
  },
});

tf.registerGradient({
  kernelName: MIRROR_PAD_GRAD_KERNEL,
  // The fold is linear in dy; its adjoint is the padding itself.
  gradFunc: (ddx, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as MirrorPadGradAttrs;
    return { dy: () => tf.mirrorPad(ddx as tf.Tensor, paddings, mode) };
  },
});
