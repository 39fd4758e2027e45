// @gantry/core/node: Node-only parts (file I/O). Each area appends one export line.
import { registerRunDirStore } from './train/run-store.js';
import { fileRunStore } from './train/file-store.js';

// trainGan({runDir}) and resumeGan({runDir}) store runs on disk once this module is loaded.
registerRunDirStore(fileRunStore);

export * from './index.js';
export * from './image/index.js';
export { fileRunStore, writeFileAtomic } from './train/file-store.js';
export * from './data/node.js';
export * from './metrics/node.js';
