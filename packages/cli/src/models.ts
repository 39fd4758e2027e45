// Model presets for gantry train: MLPs for points, tables and (flattened) images; DCGAN for images
// when @gantry/core provides it.
import type * as tfl from '@tensorflow/tfjs-layers';
import * as core from '@gantry/core';
import { UsageError } from './args.js';
import type { DataInfo } from './data.js';

export { MODEL_PRESETS, type ModelPreset } from '@gantry/core';
import type { ModelPreset } from '@gantry/core';

type DcganBuilders = {
  dcganGenerator(o: { imageSize: number; channels: number; latentDim?: number; numClasses?: number; seed?: number }): tfl.LayersModel;
  dcganDiscriminator(o: { imageSize: number; channels: number; numClasses?: number; seed?: number }): tfl.LayersModel;
};

function dcganBuilders(): DcganBuilders | undefined {
  const c = core as unknown as Partial<DcganBuilders>;
  return c.dcganGenerator && c.dcganDiscriminator ? (c as DcganBuilders) : undefined;
}

export function dcganAvailable(): boolean {
  return dcganBuilders() !== undefined;
}

export function defaultPreset(data: DataInfo): ModelPreset {
  const [h, w] = data.itemShape;
  return data.kind === 'image' && dcganAvailable() && h === w && [28, 32, 64].includes(h) ? 'dcgan' : 'mlp';
}

export function defaultHidden(data: DataInfo): number[] {
  return data.kind === 'image' ? [256, 512] : [128, 128];
}

export function buildModels(o: { preset: ModelPreset; data: DataInfo; latentDim: number; conditional: boolean; seed: number; hidden?: number[]; scale?: number }):
  { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  const numClasses = o.conditional ? o.data.numClasses : undefined;
  if (o.conditional && !numClasses) throw new UsageError(`--conditional needs labelled data; ${o.data.spec} has no class labels`);
  if (o.preset === 'dcgan') {
    const b = dcganBuilders();
    if (!b) throw new UsageError('--model dcgan is not available: @gantry/core has no dcganGenerator yet (use --model mlp)');
    if (o.data.kind !== 'image') throw new UsageError(`--model dcgan needs image data; ${o.data.spec} is ${o.data.kind} data (use --model mlp)`);
    const [h, w, c] = o.data.itemShape;
    if (h !== w || ![28, 32, 64].includes(h)) throw new UsageError(`--model dcgan needs 28x28, 32x32 or 64x64 images, got ${h}x${w}`);
    return {
      generator: b.dcganGenerator({ imageSize: h, channels: c, latentDim: o.latentDim, numClasses, seed: o.seed }),
      discriminator: b.dcganDiscriminator({ imageSize: h, channels: c, numClasses, seed: o.seed + 1 }),
    };
  }
  const features = o.data.itemShape.reduce((a, b) => a * b, 1);
  const hidden = o.hidden ?? defaultHidden(o.data);
  return {
    generator: core.mlpGenerator({
      latentDim: o.latentDim, outputDim: features, hidden, numClasses, seed: o.seed,
      outputActivation: o.data.kind === 'image' ? 'tanh' : 'linear', outputScale: o.scale,
    }),
    discriminator: core.mlpDiscriminator({
      inputDim: features, hidden: [...hidden].reverse(), numClasses, seed: o.seed + 1,
      hiddenActivation: 'leakyRelu', inputScale: o.scale === undefined ? undefined : 1 / o.scale,
    }),
  };
}

/** An MLP sees an image as one flat vector; DCGAN keeps its height, width and channels. */
export function flattensData(preset: ModelPreset, data: DataInfo): boolean {
  return preset === 'mlp' && data.kind === 'image';
}
