// @gantry/core/node: Node-only parts (file I/O). Each area appends one export line.
import { registerRunDirStore } from './train/run-store.js';
import { fileRunStore } from './run/file-store.node.js';

// trainGan({runDir}) and resumeGan({runDir}) store runs on disk once this module is loaded.
registerRunDirStore(fileRunStore);

export * from './index.js';
export * from './image/node.js';
export { fileRunStore, newestCheckpointDir, readCheckpointDir } from './run/file-store.node.js';
export { writeFileAtomic, resolvesInside } from './run/files.node.js';
export * from './run/run-dir.node.js';
export * from './data/node.js';
export * from './metrics/node.js';
export * from './audio/node.js';
export * from './metrics/emoji-scoring.node.js';
