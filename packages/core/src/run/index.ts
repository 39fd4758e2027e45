// The run directory's format and schemas (browser-safe). Reading and writing the files: @gantry/core/node.
export * from './format.js';
export { TRAINING_DEFAULTS, type TrainingDefaults } from './defaults.js';
export { FieldError, RunFileError, parseFile, type Check } from './schema.js';
export {
  CHECKSUMS_FILE, checkWeightBytes, parseCheckpointState, parseChecksums, parseModelJson, parseTensorSpecs, type Checksums, type FileDigest,
} from './checkpoint-format.js';
