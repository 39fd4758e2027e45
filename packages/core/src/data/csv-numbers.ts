// What counts as a number in gantry's text inputs (CSV cells, command-line flags): plain decimal notation only.
// JavaScript's Number() also takes '0x10', '0b1', '0o7', ' 1 ', '' (as 0) and 'Infinity'; a CSV cell or a flag
// written that way is far more likely a typo or an identifier than a number meant as 16.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Spellings of non-finite numbers that people and other tools write (numpy, R, C's printf).
const NON_FINITE_WORD = /^[+-]?(?:inf|infinity|nan)$/i;

/** The number written in plain decimal notation (sign, digits, point, exponent; no surrounding space), else
 * NaN. Overflowing literals such as '1e999' give +-Infinity, so callers can tell "too large" from "not a number". */
export function parseDecimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/** A cell meant as a number even though it is not a finite one: 'inf', 'Infinity', 'NaN', '1e999'. */
export function isNonFiniteNumberText(text: string): boolean {
  return NON_FINITE_WORD.test(text) || Math.abs(parseDecimal(text)) === Infinity;
}
