// Node-only: read a CSV file into a typed table (see csv.ts for the format rules).
import { readFileSync } from 'node:fs';
import { parseCsv, type CsvOptions, type CsvTable } from './csv.js';

export function readCsvFile(path: string, options: Omit<CsvOptions, 'source'> = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read CSV file ${path}: ${(e as Error).message}`);
  }
  return parseCsv(text, { ...options, source: path });
}
