// IDX (the MNIST file format) parsing from bytes: browser-safe. Gzip handling is in idx-file.node.ts (node:zlib).
//
// Layout: two zero bytes, a type code, the number of dimensions, then one big-endian uint32 per dimension,
// then the values, big-endian, row-major. Errors give the byte offset and what was expected there.

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** IDX type name: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64' */
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPE_CODES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

export class IdxError extends Error {
  constructor(readonly source: string, readonly offset: number, message: string) {
    super(`${source}: byte ${offset}: ${message}`);
    this.name = 'IdxError';
  }
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

export function parseIdx(bytes: Uint8Array, source = '<idx>'): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError(source, bytes.length, `truncated header: file has ${bytes.length} bytes, expected at least 4 (magic number)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(source, 0, `bad magic number ${[...bytes.subarray(0, 4)].map(hex).join(' ')} (expected 0x00 0x00 <type> <dims>)`);
  }
  const type = TYPE_CODES[bytes[2]];
  if (!type) {
    throw new IdxError(source, 2, `unknown IDX type code ${hex(bytes[2])} (expected one of ${Object.keys(TYPE_CODES).map((k) => hex(Number(k))).join(', ')})`);
  }
  const rank = bytes[3];
  if (rank === 0) throw new IdxError(source, 3, 'zero dimensions (expected at least 1)');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxError(source, bytes.length, `truncated header: expected ${rank} dimension sizes ending at byte ${headerBytes}, file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length < expected) {
    throw new IdxError(source, bytes.length, `truncated data: shape [${shape.join(', ')}] of ${type.dtype} needs ${expected} bytes, file ends at byte ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new IdxError(source, expected, `${bytes.length - expected} unexpected trailing bytes after shape [${shape.join(', ')}] of ${type.dtype}`);
  }
  return { dtype: type.dtype, shape, data: readValues(view, headerBytes, count, type.dtype, bytes) };
}

function readValues(view: DataView, offset: number, count: number, dtype: IdxDtype, bytes: Uint8Array): IdxData {
  switch (dtype) {
    case 'uint8': return bytes.slice(offset, offset + count);
    case 'int8': return new Int8Array(bytes.slice(offset, offset + count).buffer);
    case 'int16': { const a = new Int16Array(count); for (let i = 0; i < count; i++) a[i] = view.getInt16(offset + 2 * i, false); return a; }
    case 'int32': { const a = new Int32Array(count); for (let i = 0; i < count; i++) a[i] = view.getInt32(offset + 4 * i, false); return a; }
    case 'float32': { const a = new Float32Array(count); for (let i = 0; i < count; i++) a[i] = view.getFloat32(offset + 4 * i, false); return a; }
    case 'float64': { const a = new Float64Array(count); for (let i = 0; i < count; i++) a[i] = view.getFloat64(offset + 8 * i, false); return a; }
  }
}

/** Encodes an array as IDX bytes (used for tests and for exporting datasets). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = Object.entries(TYPE_CODES).find(([, t]) => t.dtype === array.dtype);
  if (!entry) throw new Error(`encodeIdx: unknown dtype ${array.dtype}`);
  const [code, { bytes: width }] = [Number(entry[0]), entry[1]];
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) throw new Error(`encodeIdx: shape [${array.shape.join(', ')}] holds ${count} values, data has ${array.data.length}`);
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + count * width);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const v = array.data[i];
    const at = header + i * width;
    switch (array.dtype) {
      case 'uint8': view.setUint8(at, v); break;
      case 'int8': view.setInt8(at, v); break;
      case 'int16': view.setInt16(at, v, false); break;
      case 'int32': view.setInt32(at, v, false); break;
      case 'float32': view.setFloat32(at, v, false); break;
      case 'float64': view.setFloat64(at, v, false); break;
    }
  }
  return out;
}
