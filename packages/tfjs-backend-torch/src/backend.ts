// The tfjs KernelBackend whose numeric tensors live in LibTorch. Values written from JS stay in JS
// until a native kernel first needs them (then they are uploaded once and dropped); data crosses
// back to JS only on read. complex64 and string tensors stay in JS: their kernels fall back to cpu.
import {
  KernelBackend, engine, util,
  type BackendTimingInfo, type BackendValues, type DataId, type DataType, type Tensor, type Tensor2D, type TensorInfo,
} from '@tensorflow/tfjs-core';

import { addon, DTYPE_CODE, nativeOp, type NativeDtype } from './addon.js';

const whereIndices = nativeOp('whereIndices');

interface TensorData {
  /** Native tensor handle, or null while the values are held in JS. */
  handle: number | null;
  values: BackendValues | null;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/**
 * Each dataId carries its record under this key, instead of a WeakMap from dataIds to records (what
 * tfjs' DataStorage does): a WeakMap get/set/delete per tensor and per kernel input was a visible part
 * of the per-call cost of small kernels, and every live entry is an ephemeron the GC must trace.
 */
const RECORD = Symbol('gantry.torch.record');
type RecordHolder = { [RECORD]?: TensorData };

function isNativeDtype(dtype: DataType): dtype is NativeDtype {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

function typedArrayFor(values: BackendValues, dtype: NativeDtype): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : new Float32Array(values as ArrayLike<number>);
  if (dtype === 'int32') return values instanceof Int32Array ? values : new Int32Array(values as ArrayLike<number>);
  return values instanceof Uint8Array ? values : new Uint8Array(values as ArrayLike<number>);
}

let shapeChecks = process.env.GANTRY_CHECK_SHAPES === '1';

/**
 * Verify every native kernel output against the shape and dtype the kernel reports (a debugging
 * aid: a mismatch means the kernel's JS shape logic and its ATen result disagree). Off by default;
 * also enabled by GANTRY_CHECK_SHAPES=1.
 */
export function setShapeChecks(enabled: boolean): void {
  shapeChecks = enabled;
}

function checkOutput(handle: number, shape: number[], dtype: DataType): void {
  const nativeShape = addon.shapeOf(handle);
  const nativeDtype = (['float32', 'int32', 'bool'] as const)[addon.dtypeOf(handle)];
  if (nativeShape.join(',') !== shape.join(',') || nativeDtype !== dtype) {
    addon.release(handle);
    throw new Error(`torch backend: kernel output is ${nativeDtype}[${nativeShape}] but was reported as ${dtype}[${shape}]`);
  }
}

export class TorchBackend extends KernelBackend {
  private dataIdCount = 0;

  /** The record this backend holds for a dataId, if any. */
  private ownRecord(dataId: DataId): TensorData | undefined {
    return (dataId as RecordHolder)[RECORD];
  }

  /** Whether this backend holds the data of dataId (it is not on another backend, nor disposed). */
  holds(dataId: DataId): boolean {
    return this.ownRecord(dataId) !== undefined;
  }

  /** The record of a dataId of this backend; a dataId another backend holds is moved here first (as DataStorage.get does). */
  private record(dataId: DataId): TensorData {
    const own = this.ownRecord(dataId);
    if (own !== undefined) return own;
    engine().moveData(this, dataId);
    const moved = this.ownRecord(dataId);
    if (moved === undefined) throw new Error('torch backend: a tensor whose data no backend holds (disposed?)');
    return moved;
  }

  /** A fresh dataId carrying its record. */
  private newDataId(data: TensorData): DataId {
    this.dataIdCount++;
    return { [RECORD]: data };
  }

  /** Attaches a record to a dataId made elsewhere (move from another backend). */
  private setRecord(dataId: DataId, data: TensorData): void {
    if (this.ownRecord(dataId) === undefined) this.dataIdCount++;
    (dataId as RecordHolder)[RECORD] = data;
  }

  /** Native handle of a tensor's data, uploading JS-held values on first use. */
  handleOf(t: TensorInfo): number {
    const data = this.record(t.dataId);
    if (data.handle !== null) return data.handle;
    if (!isNativeDtype(data.dtype)) {
      throw new Error(`torch backend: ${data.dtype} tensors have no native form (shape [${data.shape}])`);
    }
    const values = data.values ?? util.getTypedArrayFromDType(data.dtype, util.sizeFromShape(data.shape));
    data.handle = addon.upload(typedArrayFor(values, data.dtype), data.shape, DTYPE_CODE[data.dtype]);
    data.values = null;
    return data.handle;
  }

  /** Whether the tensor's data already lives natively (false while JS holds its values). */
  isOnNative(t: TensorInfo): boolean {
    return this.record(t.dataId).handle !== null;
  }

  /** Wraps a fresh native handle (owned from now on by the returned dataId) as a kernel output. */
  makeOutput(handle: number, shape: number[], dtype: DataType): TensorInfo {
    if (shapeChecks) checkOutput(handle, shape, dtype);
    return { dataId: this.newDataId({ handle, values: null, shape, dtype, refCount: 1 }), shape, dtype };
  }

  /** Like makeOutput, taking the shape from the native tensor. */
  makeOutputNativeShape(handle: number, dtype: DataType): TensorInfo {
    return this.makeOutput(handle, addon.shapeOf(handle), dtype);
  }

  /** A kernel output holding JS values (used by the cpu fallback and JS-computed kernels). */
  makeTensorInfo(shape: number[], dtype: DataType, values: BackendValues): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  /** tf.whereAsync calls this backend method directly (it is not a kernel). */
  where(condition: Tensor): Tensor2D {
    const handle = whereIndices(this.handleOf(condition));
    return engine().makeTensorFromTensorInfo(this.makeOutputNativeShape(handle, 'int32')) as Tensor2D;
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    return this.newDataId({ handle: null, values, shape, dtype, refCount: 1 });
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.setRecord(dataId, { handle: null, values, shape, dtype, refCount });
  }

  override readSync(dataId: DataId): BackendValues {
    const data = this.record(dataId);
    if (data.values !== null) return data.values;
    if (data.handle === null) {
      return util.getTypedArrayFromDType(data.dtype as NativeDtype, util.sizeFromShape(data.shape));
    }
    return addon.download(data.handle);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: DataId): number {
    return this.ownRecord(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    this.record(dataId).refCount++;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const data = this.ownRecord(dataId);
    if (data === undefined) return true;
    data.refCount--;
    if (!force && data.refCount > 0) return false;
    if (data.handle !== null) addon.release(data.handle);
    (dataId as RecordHolder)[RECORD] = undefined;
    this.dataIdCount--;
    return true;
  }

  override numDataIds(): number {
    return this.dataIdCount;
  }

  override memory(): { unreliable: boolean; reasons?: string[]; numNativeTensors: number } {
    return {
      unreliable: true,
      reasons: ['Native ATen tensors may share storage (views), so byte counts are not tracked.'],
      numNativeTensors: addon.liveCount(),
    };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return { kernelMs: util.now() - start };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {
    // Handles are released with their dataIds; the engine disposes tensors before the backend.
  }
}
