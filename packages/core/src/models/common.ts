// Option checks and seeded initializers shared by the model builders.
import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

export function requirePositiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A trainer's whole-number option: `${owner}: ${name} must be an integer >= ${min}, got ${value}` otherwise. */
export function requireIntegerAtLeast(owner: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${owner}: ${name} must be an integer >= ${min}, got ${value}`);
}

export function optionalPositiveInteger(value: unknown, what: string): number | undefined {
  return value === undefined ? undefined : requirePositiveInteger(value, what);
}

export function requireOneOf<T extends string>(value: T | undefined, allowed: readonly T[], fallback: T, what: string): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) throw new Error(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(value)}'`);
  return v;
}

/**
 * Hands out seeded initializers so that two builds with the same seed give identical weights
 * (tfjs-layers' defaults draw from Math.random). Without a seed, tfjs's unseeded defaults are used.
 */
export class SeededInit {
  private counter = 0;
  constructor(private readonly seed: number | undefined) {}

  /** A seed for the next layer, or undefined when unseeded. */
  next(): number | undefined {
    if (this.seed === undefined) return undefined;
    this.counter += 1;
    return (this.seed * 1000003 + this.counter * 7919) % 2147483647;
  }

  glorotUniform(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.next() });
  }

  /** DCGAN (Radford et al. 2016) initialises all weights from N(0, 0.02). */
  normal(stddev: number): Initializer {
    return tfl.initializers.randomNormal({ mean: 0, stddev, seed: this.next() });
  }
}

export type LabelInput = tfl.SymbolicTensor;

/** Integer class labels as a model input of shape [N, 1] (a [N] label tensor is reshaped by the caller). */
export function labelInput(name: string): tfl.SymbolicTensor {
  return tfl.input({ shape: [1], dtype: 'int32', name });
}

/** Embeds labels [N, 1] (or [N], which the reshape accepts too) to [N, dim]. */
export function embedLabels(labels: tfl.SymbolicTensor, numClasses: number, dim: number, init: SeededInit, name: string): tfl.SymbolicTensor {
  const column = tfl.layers.reshape({ targetShape: [1], name: `${name}_column` }).apply(labels) as tfl.SymbolicTensor;
  const embedded = tfl.layers.embedding({
    inputDim: numClasses, outputDim: dim, name,
    embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: init.next() }),
  }).apply(column) as tfl.SymbolicTensor;
  return tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor;
}
