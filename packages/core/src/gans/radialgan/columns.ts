// How RadialGAN puts each domain's columns on one footing, and which columns two domains have in common.
//
// Scaling: 'minmax' maps every column to [0, 1] and the decoders end in a sigmoid (the first version's
// choice); 'standard' maps to zero mean and unit std and the decoders end linearly, so a value outside the
// domain's observed range, or far out in a heavy tail, is not squashed against a sigmoid's flat ends;
// 'log' is 'standard' after sign(x) * log(1 + |x|), for heavy-tailed columns (counts, frequencies, run
// lengths) whose few extreme rows would otherwise dominate a squared-error term.
//
// Shared columns: two domains share a column when both name it the same (NumericMatrix.names); unnamed
// columns are never shared. Only the shared-column consistency term (trainer.ts) uses them.
import { checkMatrix, type NumericMatrix } from '../../tabular/matrix.js';
import { fitMinMax, RANGE_EPSILON } from '../../tabular/scaling.js';

export type RadialScaling = 'minmax' | 'standard' | 'log';
export const RADIAL_SCALINGS: readonly RadialScaling[] = ['minmax', 'standard', 'log'];

/** Per column: scaled = (t(x) - offset) / scale, t the identity or the signed log. */
export interface ColumnScaler { offset: Float64Array; scale: Float64Array; log?: boolean }

const signedLog = (v: number): number => Math.sign(v) * Math.log1p(Math.abs(v));
const signedExp = (v: number): number => Math.sign(v) * Math.expm1(Math.abs(v));

export function fitColumnScaler(m: NumericMatrix, scaling: RadialScaling): ColumnScaler {
  if (scaling === 'minmax') {
    const { min, range } = fitMinMax(m);
    return { offset: min, scale: range.map((r) => r + RANGE_EPSILON) };
  }
  checkMatrix(m, 'fitColumnScaler');
  if (scaling === 'log') return { ...fitColumnScaler({ ...m, values: m.values.map(signedLog) }, 'standard'), log: true };
  const offset = new Float64Array(m.cols);
  const scale = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) offset[j] += m.values[i * m.cols + j] / m.rows;
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) scale[j] += (m.values[i * m.cols + j] - offset[j]) ** 2 / m.rows;
  // A constant column keeps unit scale instead of dividing by zero.
  return { offset, scale: scale.map((v) => Math.sqrt(v) || 1) };
}

export function scaleColumns(s: ColumnScaler, m: NumericMatrix): Float32Array {
  checkWidth(s, m);
  const transform = s.log ? signedLog : (v: number) => v;
  return Float32Array.from(m.values, (v, k) => (transform(v) - s.offset[k % m.cols]) / s.scale[k % m.cols]);
}

export function unscaleColumns(s: ColumnScaler, m: NumericMatrix): NumericMatrix {
  checkWidth(s, m);
  const untransform = s.log ? signedExp : (v: number) => v;
  return { ...m, values: Float64Array.from(m.values, (v, k) => untransform(v * s.scale[k % m.cols] + s.offset[k % m.cols])) };
}

function checkWidth(s: ColumnScaler, m: NumericMatrix): void {
  if (s.offset.length !== m.cols) throw new Error(`RadialGAN scaler was fitted on ${s.offset.length} columns, matrix has ${m.cols}`);
}

/**
 * The columns domain `from` shares with domain `to`, as linear maps on scaled rows (affine also under 'log':
 * both domains take the same log before their own standardisation):
 * (x_from @ sourceMap + bias) is x_from's shared values in `to`'s scaled units, and (x_to @ pick) the same
 * columns of a `to` row. Row-major Float32Arrays of [fromCols, n], [n] and [toCols, n].
 */
export interface SharedColumns { from: number; to: number; n: number; sourceMap: Float32Array; bias: Float32Array; pick: Float32Array }

export function sharedColumnPairs(domains: readonly { names?: readonly string[]; scaler: ColumnScaler }[]): SharedColumns[] {
  const pairs: SharedColumns[] = [];
  domains.forEach((src, from) => domains.forEach((dst, to) => {
    if (from === to || !src.names || !dst.names) return;
    const common = src.names.map((name, i) => [i, dst.names!.indexOf(name)]).filter(([, j]) => j >= 0);
    const n = common.length;
    if (n === 0) return;
    const sourceMap = new Float32Array(src.names.length * n);
    const bias = new Float32Array(n);
    const pick = new Float32Array(dst.names.length * n);
    common.forEach(([i, j], c) => {
      sourceMap[i * n + c] = src.scaler.scale[i] / dst.scaler.scale[j];
      bias[c] = (src.scaler.offset[i] - dst.scaler.offset[j]) / dst.scaler.scale[j];
      pick[j * n + c] = 1;
    });
    pairs.push({ from, to, n, sourceMap, bias, pick });
  }));
  return pairs;
}
