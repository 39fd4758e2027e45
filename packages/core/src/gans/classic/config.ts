// Fills a GanConfig's defaults and builds its optimizers. Browser-safe.
import * as tf from '@tensorflow/tfjs-core';
import { DIFF_AUGMENT_TRANSFORMS } from '../../augment/diff-augment.js';
import { optimizerFromSpec, optimizerPreset, presetForLoss } from '../../optimizers.js';
import type { GanConfig, PresetName } from '../../train/types.js';

export interface ResolvedConfig extends GanConfig {
  criticSteps: number;
  preset: PresetName;
  acganWeight: number;
  sampleEvery: number;
  sampleCount: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  guardEvery: number;
}

function positiveInt(name: string, v: number | undefined, fallback: number, allowZero = false): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < (allowZero ? 0 : 1)) {
    throw new Error(`config.${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${v}`);
  }
  return x;
}

export function resolveConfig(config: GanConfig): ResolvedConfig {
  if (config == null || typeof config !== 'object') throw new Error('trainGan: config is required');
  positiveInt('latentDim', config.latentDim, NaN);
  positiveInt('batchSize', config.batchSize, NaN);
  if (!Number.isFinite(config.seed)) throw new Error(`config.seed must be a number, got ${config.seed}`);
  const preset = config.preset ?? presetForLoss(config.loss);
  const presetValues = optimizerPreset(preset);
  const penalty = config.penalty ?? (config.loss === 'wgan-gp' ? { kind: 'gp' as const, weight: presetValues.gradientPenalty ?? 10 } : undefined);
  const clip = config.clip ?? (config.loss === 'wgan' ? presetValues.clip ?? 0.01 : undefined);
  if (clip !== undefined && !(clip > 0)) throw new Error(`config.clip must be positive, got ${clip}`);
  if (config.emaDecay !== undefined && !(config.emaDecay > 0 && config.emaDecay < 1)) {
    throw new Error(`config.emaDecay must lie in (0, 1), got ${config.emaDecay}`);
  }
  const decay = config.learningRateDecay;
  if (decay !== undefined && !(decay >= 0 && decay <= 1)) throw new Error(`config.learningRateDecay must lie in [0, 1], got ${decay}`);
  if (config.numClasses !== undefined) positiveInt('numClasses', config.numClasses, NaN);
  const unknown = config.augment?.find((t) => !(DIFF_AUGMENT_TRANSFORMS as readonly string[]).includes(t));
  if (unknown !== undefined) throw new Error(`config.augment: unknown transform "${unknown}" (known: ${DIFF_AUGMENT_TRANSFORMS.join(', ')})`);
  return {
    ...config,
    preset,
    penalty,
    clip,
    criticSteps: positiveInt('criticSteps', config.criticSteps, presetValues.criticSteps),
    acganWeight: config.acganWeight ?? 1,
    sampleEvery: positiveInt('sampleEvery', config.sampleEvery, 0, true),
    sampleCount: positiveInt('sampleCount', config.sampleCount, 64),
    checkpointEvery: positiveInt('checkpointEvery', config.checkpointEvery, 0, true),
    keepCheckpoints: positiveInt('keepCheckpoints', config.keepCheckpoints, 3),
    logEvery: positiveInt('logEvery', config.logEvery, 10),
    guardEvery: positiveInt('guardEvery', config.guardEvery, 1),
  };
}

/** Fresh optimizers for a config: explicit specs when given, else the preset's. */
export function buildOptimizers(config: ResolvedConfig): { generator: tf.Optimizer; discriminator: tf.Optimizer } {
  if (config.optimizers) {
    return {
      generator: optimizerFromSpec(config.optimizers.generator),
      discriminator: optimizerFromSpec(config.optimizers.discriminator),
    };
  }
  const preset = optimizerPreset(config.preset);
  return { generator: preset.generator(), discriminator: preset.discriminator() };
}
