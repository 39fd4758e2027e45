// Checks, before the first step, that G's output, D's input and the data agree; errors name both sides.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '../../train/types.js';
import { hasAuxClassifier, takesLabels } from '../../train/model-io.js';

function fmt(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? 'batch' : d)).join(', ')}]`;
}

function sameExampleShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 1; i < a.length; i++) if (a[i] != null && b[i] != null && a[i] !== b[i]) return false;
  return true;
}

export interface ShapeCheckInput {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  latentDim: number;
  numClasses?: number;
  batch?: Batch;
  sampleShape?: number[];
}

export function checkModelShapes({ generator, discriminator, latentDim, numClasses, batch, sampleShape }: ShapeCheckInput): void {
  const zShape = generator.inputs[0].shape;
  if (zShape.length !== 2 || (zShape[1] != null && zShape[1] !== latentDim)) {
    throw new Error(`generator "${generator.name}" takes latent input ${fmt(zShape)}, but config.latentDim is ${latentDim}`);
  }
  const gOut = generator.outputs[0].shape;
  const dIn = discriminator.inputs[0].shape;
  if (!sameExampleShape(gOut, dIn)) {
    throw new Error(`generator output shape ${fmt(gOut)} does not match discriminator input shape ${fmt(dIn)}`);
  }
  if (sampleShape) {
    const want = sampleShape.reduce((x, y) => x * y, 1);
    const have = gOut.slice(1).reduce<number>((x, y) => x * (y ?? NaN), 1);
    if (want !== have) {
      throw new Error(`config.sampleShape [${sampleShape.join(', ')}] holds ${want} values but the generator outputs ${fmt(gOut)} (${have} per sample)`);
    }
  }
  const dOut = discriminator.outputs[0].shape;
  if (dOut.length !== 2 || dOut[1] !== 1) {
    throw new Error(`discriminator output shape ${fmt(dOut)} should be [batch, 1] (raw logits, one per example)`);
  }
  const conditional = takesLabels(generator) || takesLabels(discriminator) || hasAuxClassifier(discriminator);
  if (conditional && numClasses === undefined) {
    throw new Error('the models are class-conditional (label input or auxiliary classifier) but config.numClasses is not set');
  }
  if (hasAuxClassifier(discriminator)) {
    const aux = discriminator.outputs[1].shape;
    if (aux[aux.length - 1] !== numClasses) {
      throw new Error(`discriminator auxiliary output ${fmt(aux)} does not have config.numClasses = ${numClasses} logits`);
    }
  }
  if (!batch) return;
  const xShape = batch.x.shape;
  if (!sameExampleShape(xShape, dIn)) {
    throw new Error(`data batches have shape ${fmt(xShape)} but the discriminator takes ${fmt(dIn)} ` +
      `(per example ${fmt(xShape.slice(1))} vs ${fmt(dIn.slice(1))})`);
  }
  if (conditional && !batch.labels) {
    throw new Error('the models are class-conditional but the data source yields no labels');
  }
  if (batch.labels) {
    const n = batch.labels.shape[0];
    if (n !== xShape[0] || batch.labels.size !== n) {
      throw new Error(`data labels have shape ${fmt(batch.labels.shape)}; expected [${xShape[0]}] or [${xShape[0]}, 1] to match x ${fmt(xShape)}`);
    }
  }
}
