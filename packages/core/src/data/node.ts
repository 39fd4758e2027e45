// Node-only data loaders (file I/O); re-exported from @gantry/core/node.
export { readCsvFile } from './csv-file.js';
