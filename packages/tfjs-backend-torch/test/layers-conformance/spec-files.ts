// What the layers conformance runner (run.ts) and its node:test wrapper share: the spec files CI
// runs, the exclusions, the summary's shape. No side effects, so the wrapper can import it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The spec files (paths under tfjs-layers/src) that `--files ci` and the node:test wrapper run: what
 * gantry uses tfjs-layers for (GANs: dense, convolutional, normalization, pooling, activation, merge,
 * noise, padding and embedding layers; functional and sequential models; fit/evaluate with callbacks
 * and sample weights; save/load and serialization; losses, metrics, optimizers, initializers,
 * constraints, regularizers) and the backend and engine internals under them. The other 40 files
 * (recurrent and convolutional-recurrent layers, nlp/, preprocessing/, fitDataset, wrappers, model
 * summary, metadata, utilities) run with `--files all`; results in the README.
 */
export const CI_FILES: readonly string[] = [
  'activations_test.ts',
  'backend/tfjs_backend_test.ts',
  'base_callbacks_test.ts',
  'callbacks_test.ts',
  'constraints_test.ts',
  'engine/container_test.ts',
  'engine/executor_test.ts',
  'engine/input_layer_test.ts',
  'engine/topology_test.ts',
  'engine/training_test.ts',
  'engine/training_utils_test.ts',
  'engine/training_weighted_test.ts',
  'initializers_test.ts',
  'layers/advanced_activation_test.ts',
  'layers/convolutional_depthwise_test.ts',
  'layers/convolutional_test.ts',
  'layers/core_test.ts',
  'layers/embeddings_test.ts',
  'layers/merge_test.ts',
  'layers/noise_test.ts',
  'layers/normalization_test.ts',
  'layers/padding_test.ts',
  'layers/pooling_test.ts',
  'layers/serialization_test.ts',
  'losses_test.ts',
  'metrics_test.ts',
  'model_save_test.ts',
  'models_test.ts',
  'optimizers_test.ts',
  'regularizers_test.ts',
  'utils/serialization_utils_test.ts',
  'variables_test.ts',
];

/** One excluded spec: a substring of its full name, its file, why, and what the same spec does on cpu. */
export interface Exclusion { spec: string; file: string; reason: string; cpu: string; backends?: string[] }

/**
 * tfjs-core's IS_TEST check (engine.checkKernelForMemLeak) counts the backend's data ids after a kernel
 * or customGrad scope; an allowance lets this many more than the outputs through for one scope name
 * on the listed backends, why, and what cpu does. A count above it still fails.
 */
export interface LeakCheckAllowance { scope: string; extraDataIds: number; backends: string[]; reason: string; cpu: string }

export interface ExclusionsFile { specs: Exclusion[]; leakCheckAllowances: LeakCheckAllowance[] }

export function loadExclusions(backend: string): ExclusionsFile {
  const file = JSON.parse(readFileSync(join(here, 'excluded.json'), 'utf8')) as ExclusionsFile;
  const text = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
  for (const [i, e] of file.specs.entries()) {
    if (!text(e.spec) || !text(e.file) || !text(e.reason) || !text(e.cpu)) {
      throw new Error(`excluded.json specs[${i}]: needs "spec" (a substring of the full spec name), "file", "reason" and "cpu" (its result there)`);
    }
  }
  for (const [i, a] of file.leakCheckAllowances.entries()) {
    if (!text(a.scope) || !(a.extraDataIds > 0) || !Array.isArray(a.backends) || !text(a.reason) || !text(a.cpu)) {
      throw new Error(`excluded.json leakCheckAllowances[${i}]: needs "scope", "extraDataIds" > 0, "backends", "reason" and "cpu"`);
    }
  }
  return {
    specs: file.specs.filter((e) => e.backends == null || e.backends.includes(backend)),
    leakCheckAllowances: file.leakCheckAllowances.filter((a) => a.backends.includes(backend)),
  };
}

export interface LayersSummary {
  backend: string;
  date: string;
  durationSeconds: number;
  files: number;
  loadErrors: { file: string; error: string }[];
  specs: number;
  executed: number;
  passed: number;
  failed: number;
  pending: number;
  excluded: number;
  /** Full names of the specs excluded.json kept from running. */
  excludedSpecs: string[];
  overallStatus: string;
  failures: { name: string; errors: string[] }[];
  /** Per allowance scope: the specs whose run needed it (tfjs' check would have failed them). */
  allowancesUsed: Record<string, string[]>;
  /** Errors thrown from timers after their spec ended (a failed spec's fit() still running). */
  lateErrors: string[];
  /** Per spec file: specs registered, passed, failed, and the seconds its specs took. */
  perFile: Record<string, { specs: number; passed: number; failed: number; seconds: number }>;
  fallbackCounts?: Record<string, number>;
}
