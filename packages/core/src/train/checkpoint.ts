// Checkpoint contents as plain data (JSON + ArrayBuffers), independent of where they are stored.
// Browser-safe; the file layout lives in run/file-store.ts (node-only).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { RngState } from '../random.js';
import type { LossValues } from './types.js';

// v2: any number of named models, optimizers and EMA shadows (v1 held exactly G, D and G's EMA).
export const CHECKPOINT_FORMAT = 'gantry-checkpoint-v2';

export interface TensorSpec { name: string; shape: number[]; dtype: 'float32' | 'int32' }
/** Tensors packed back to back, little-endian 4-byte elements, described by specs in order. */
export interface TensorBlob { specs: TensorSpec[]; data: ArrayBuffer }

/** A tfjs-layers model: its JSON topology and weights (the same content as model.json + weights.bin). */
export interface ModelBlob {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  /** what was trained ('gan', 'gain', ...): a checkpoint resumes only into the same kind */
  kind: string;
  step: number;
  /** steps the run was asked for when this checkpoint was written */
  totalSteps: number;
  rng: RngState;
  /** the trainable's own JSON config, from which a resume rebuilds it */
  config: object;
  losses: LossValues;
  createdAt: string;
  /** names of the checkpoint's models, parameter sets, optimizers and EMA shadows (each a model name), in order */
  models: string[];
  parameters: string[];
  optimizers: string[];
  ema: string[];
  /** per optimizer: rank-0 variables that getWeights() does not return (Adam's beta powers) */
  optimizerScalars: Record<string, Record<string, number>>;
}

export interface Checkpoint {
  state: CheckpointState;
  models: Record<string, ModelBlob>;
  /** a variant's own variables (networks that are not tfjs-layers models), in their order */
  parameters: Record<string, TensorBlob>;
  optimizers: Record<string, TensorBlob>;
  /** EMA shadow of a model's weights, in model.weights order */
  ema: Record<string, TensorBlob>;
}

export async function modelToBlob(model: tfl.LayersModel): Promise<ModelBlob> {
  let blob: ModelBlob | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error(`model "${model.name}" produced no JSON topology`);
    }
    blob = {
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0),
    };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!blob) throw new Error(`saving model "${model.name}" produced nothing`);
  return blob;
}

/** Rebuilds a model from its blob (custom layers must be registered, which importing @gantry/core does). */
export async function modelFromBlob(blob: ModelBlob): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: blob.modelTopology, weightSpecs: blob.weightSpecs, weightData: blob.weightData,
  }));
}

function elementsOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Decodes weights in spec order (names may repeat across models, so no name map). */
function decodeInOrder(specs: { name: string; shape: number[]; dtype: string }[], data: ArrayBuffer, what: string): tf.Tensor[] {
  let offset = 0;
  const out = specs.map((s) => {
    if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new Error(`${what}: unsupported dtype ${s.dtype} for ${s.name}`);
    const n = elementsOf(s.shape);
    if (offset + 4 * n > data.byteLength) throw new Error(`${what}: weight data ends before ${s.name}`);
    const values = s.dtype === 'int32' ? new Int32Array(data.slice(offset, offset + 4 * n)) : new Float32Array(data.slice(offset, offset + 4 * n));
    offset += 4 * n;
    return tf.tensor(values, s.shape, s.dtype);
  });
  if (offset !== data.byteLength) throw new Error(`${what}: ${data.byteLength - offset} bytes of weight data left over`);
  return out;
}

/** Loads a blob's weights into an existing model of the same architecture. */
export function loadBlobIntoModel(model: tfl.LayersModel, blob: ModelBlob): void {
  const tensors = decodeInOrder(blob.weightSpecs, blob.weightData, `weights for model "${model.name}"`);
  try {
    if (tensors.length !== model.weights.length) {
      throw new Error(`checkpoint has ${tensors.length} weights, model "${model.name}" has ${model.weights.length}`);
    }
    model.weights.forEach((w, i) => {
      if (w.shape.join(',') !== tensors[i].shape.join(',')) {
        throw new Error(`checkpoint weight ${blob.weightSpecs[i].name} has shape [${tensors[i].shape}] but model "${model.name}" ` +
          `weight ${w.originalName} has [${w.shape}]`);
      }
    });
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

export async function tensorsToBlob(named: { name: string; tensor: tf.Tensor }[]): Promise<TensorBlob> {
  const specs: TensorSpec[] = [];
  const parts: ArrayBuffer[] = [];
  for (const { name, tensor } of named) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const values = await tensor.data();
    const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    specs.push({ name, shape: tensor.shape.slice(), dtype });
    parts.push(typed.buffer as ArrayBuffer);
  }
  return { specs, data: tf.io.concatenateArrayBuffers(parts) };
}

export function blobToTensors(blob: TensorBlob, what: string): { name: string; tensor: tf.Tensor }[] {
  const tensors = decodeInOrder(blob.specs, blob.data, what);
  return blob.specs.map((s, i) => ({ name: s.name, tensor: tensors[i] }));
}

/** Rank-0 variables an optimizer keeps outside getWeights() (Adam's beta1^t, beta2^t). */
function scalarSlots(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer).filter(([, v]) => v instanceof tf.Variable && v.rank === 0) as [string, tf.Variable][];
}

export async function optimizerState(optimizer: tf.Optimizer): Promise<{ blob: TensorBlob; scalars: Record<string, number> }> {
  const weights = await optimizer.getWeights();
  const scalars: Record<string, number> = {};
  for (const [name, v] of scalarSlots(optimizer)) scalars[name] = (await v.data())[0];
  return { blob: await tensorsToBlob(weights), scalars };
}

/**
 * Restores optimizer slots. Adam's setWeights recomputes beta^t with pow(), which differs in the
 * last bits from the running product it keeps while training; restoring the saved scalars exactly
 * is what makes a resumed run bit-identical to an uninterrupted one.
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, blob: TensorBlob, scalars: Record<string, number>, what: string): Promise<void> {
  const named = blobToTensors(blob, what);
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights made variables sharing this data (ref-counted), so these handles can go
    tf.dispose(named.map((n) => n.tensor));
  }
  for (const [name, v] of scalarSlots(optimizer)) {
    if (name in scalars) tf.tidy(() => v.assign(tf.scalar(scalars[name], v.dtype)));
  }
}

/** One named model of a checkpoint; an error names what the checkpoint holds instead. */
export function checkpointModel(checkpoint: Checkpoint, name: string): ModelBlob {
  const blob = checkpoint.models[name];
  if (!blob) throw new Error(`this "${checkpoint.state.kind}" checkpoint has no model "${name}" (it holds ${checkpoint.state.models.join(', ')})`);
  return blob;
}

/** A checkpoint's model `name`, carrying the EMA weights the loop kept of it when `averaged` (default) and there are some. */
export async function averagedCheckpointModel(checkpoint: Checkpoint, name: string, o: { averaged?: boolean; where?: string } = {}): Promise<tfl.LayersModel> {
  const model = await modelFromBlob(checkpointModel(checkpoint, name));
  const ema = checkpoint.ema[name];
  if ((o.averaged ?? true) && ema) {
    const tensors = blobToTensors(ema, `${o.where ?? 'the checkpoint'} EMA of ${name}`).map((t) => t.tensor);
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}
