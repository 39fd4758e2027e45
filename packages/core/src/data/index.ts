// Browser-safe data API: parsing from text/bytes and in-memory datasets. File loaders: ./node.ts.
export * from './csv.js';
export * from './idx.js';
export * from './dataset.js';
export * from './images.js';
export * from './table-coding.js';
export * from './paired.js';
export * from './emoji.js';
export * from './unpaired.js';
export * from './moving-mnist.js';
