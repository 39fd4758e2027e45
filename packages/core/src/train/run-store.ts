// Where a run's checkpoints, metrics and sample grids go. The trainer only sees this interface, so it
// stays browser-safe; @gantry/core/node registers a file-system store for `runDir`.
import type * as tf from '@tensorflow/tfjs-core';
import type { Checkpoint } from './checkpoint.js';

export interface RunStore {
  /** human-readable location, e.g. the run directory */
  readonly location: string;
  /**
   * Called once before a run (fresh or resumed) starts at `step`: removes what interrupted writes left and
   * forgets metrics of steps after `step`, which the run is about to replay.
   */
  beginRun(step: number): Promise<void>;
  /** stores a checkpoint atomically and returns where it went */
  saveCheckpoint(checkpoint: Checkpoint, keep: number): Promise<string>;
  /** the newest complete checkpoint, or null when there is none */
  loadLatestCheckpoint(): Promise<Checkpoint | null>;
  appendMetrics(record: Record<string, unknown>): Promise<void>;
  /** stores a grid of N x H x W x C images, `columns` wide when given (or does nothing for other shapes); returns where */
  saveSamples(step: number, images: tf.Tensor, columns?: number): Promise<string | undefined>;
}

/**
 * Whether a metrics record survives a run (re)starting at `step`: events stay, per-step records after
 * `step` go, since those steps are about to be trained again.
 */
export function keptOnRestart(record: { event?: unknown; step?: unknown }, step: number): boolean {
  return record.event !== undefined || typeof record.step !== 'number' || record.step <= step;
}

type RunStoreFactory = (runDir: string) => RunStore;
let fileStoreFactory: RunStoreFactory | undefined;

/** Called by @gantry/core/node on import. */
export function registerRunDirStore(factory: RunStoreFactory): void {
  fileStoreFactory = factory;
}

export function storeForRunDir(runDir: string): RunStore {
  if (!fileStoreFactory) {
    throw new Error(`runDir "${runDir}" needs the file-system run store: import '@gantry/core/node' ` +
      '(Node only), or pass a RunStore such as memoryRunStore()');
  }
  return fileStoreFactory(runDir);
}

/** Keeps everything in memory: for the browser and for tests. */
export function memoryRunStore(): RunStore & { checkpoints: Checkpoint[]; metrics: Record<string, unknown>[]; samples: number[] } {
  const checkpoints: Checkpoint[] = [];
  const metrics: Record<string, unknown>[] = [];
  const samples: number[] = [];
  return {
    location: 'memory',
    checkpoints,
    metrics,
    samples,
    async beginRun(step) {
      const kept = metrics.filter((r) => keptOnRestart(r, step));
      metrics.splice(0, metrics.length, ...kept);
    },
    async saveCheckpoint(c, keep) {
      checkpoints.push(c);
      while (checkpoints.length > keep) checkpoints.shift();
      return `memory:step-${c.state.step}`;
    },
    async loadLatestCheckpoint() { return checkpoints[checkpoints.length - 1] ?? null; },
    async appendMetrics(r) { metrics.push(r); },
    async saveSamples(step) { samples.push(step); return undefined; },
  };
}
