// Small helpers shared by the custom layers.
import type * as tf from '@tensorflow/tfjs-core';

export function single(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${layer} takes one input, got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

export type Shape = (number | null)[];

export function singleShape(shape: Shape | Shape[], layer: string): Shape {
  if (Array.isArray(shape[0])) {
    const shapes = shape as Shape[];
    if (shapes.length !== 1) throw new Error(`${layer} takes one input, got ${shapes.length}`);
    return shapes[0];
  }
  return shape as Shape;
}

export function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
