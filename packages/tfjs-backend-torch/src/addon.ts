// Loads the LibTorch addon (building it on first use when the binary is missing) and describes
// the functions it exports. Ops are looked up by name; each returns a tensor handle (or handles).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dtype codes understood by the addon's upload. */
export const DTYPE_CODE = { float32: 0, int32: 1, bool: 2 } as const;
export type NativeDtype = keyof typeof DTYPE_CODE;

export type NativeArg = number | boolean | string | number[];
/** A native op: handles and plain numbers in, a handle (or array of handles) out. */
export type NativeOp = (...args: NativeArg[]) => number;
export type NativeMultiOp = (...args: NativeArg[]) => number[];

export interface NativeStore {
  upload(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtypeCode: number): number;
  download(handle: number): Float32Array | Int32Array | Uint8Array;
  release(handle: number): void;
  liveCount(): number;
  shapeOf(handle: number): number[];
  dtypeOf(handle: number): number;
  setNumThreads(n: number): void;
  numThreads(): number;
  opNames: string[];
}

export type NativeAddon = NativeStore & Record<string, NativeOp & NativeMultiOp>;

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const binaryPath = join(packageRoot, 'native/build/Release/gantry_torch.node');

function loadAddon(): NativeAddon {
  if (!existsSync(binaryPath)) {
    // the package's install script did not run (npm install --ignore-scripts, or scripts not approved):
    // build it now, once, the same way
    const buildScript = join(packageRoot, 'scripts/build-addon.mjs');
    try {
      execFileSync(process.execPath, [buildScript], { stdio: 'inherit' });
    } catch {
      throw new Error(`@gantry/tfjs-backend-torch: native addon missing at ${binaryPath} and building it failed (see above); run "node ${buildScript}"`);
    }
  }
  const require = createRequire(import.meta.url);
  return require(binaryPath) as NativeAddon;
}

export const addon: NativeAddon = loadAddon();

/** Calls a native op by name with an error that says which op is missing from the binary. */
export function nativeOp(name: string): NativeOp & NativeMultiOp {
  const fn = addon[name];
  if (typeof fn !== 'function') {
    throw new Error(`@gantry/tfjs-backend-torch: the addon has no op "${name}"; rebuild with "npm run build:native"`);
  }
  return fn;
}
