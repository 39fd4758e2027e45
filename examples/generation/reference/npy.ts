// Reads a NumPy .npy file (format 1.0-3.0) holding little-endian float32 in C order: what numpy.save writes for a
// float32 array. Anything else (other dtypes, Fortran order) is refused rather than misread.
import { readFileSync } from 'node:fs';

export function readNpyFloat32(path: string): { shape: number[]; values: Float32Array } {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4' || fortran !== 'False' || shapeText === undefined) {
    throw new Error(`${path}: expected little-endian float32 in C order, header ${header.trim()}`);
  }
  const shape = shapeText.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (bytes.length - offset !== count * 4) throw new Error(`${path}: ${bytes.length - offset} data bytes for shape [${shape}]`);
  // copied out: the file's buffer offset need not be a multiple of 4
  const values = new Float32Array(count);
  new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + count * 4));
  return { shape, values };
}
