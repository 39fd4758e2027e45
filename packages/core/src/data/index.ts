// Browser-safe data API: parsing from text/bytes and in-memory datasets. File loaders: ./node.ts.
export * from './csv.js';
