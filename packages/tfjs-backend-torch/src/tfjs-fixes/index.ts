// tfjs 4.22 engine defects that this package fixes for every backend of the process when it is
// imported (a tfjs program should run right on gantry's backend, and cpu or wasm beside it get the
// same fixes). What each fixes and why: the backend README's "Known tfjs defects and what gantry does
// about them"; the second-order gradient fixes that @gantry/core registers are separate (core does not
// depend on this package).
import { registerGradient } from '@tensorflow/tfjs-core';
import { BACKPROP_GRADIENTS } from '@gantry/kernels';

import { installCustomGradFixes } from './custom-grad.js';

export { FIXED_CUSTOM_GRAD_OPS } from './custom-grad.js';

/** Kernels that get a gradient tfjs 4.22 lacks. */
export const ADDED_GRADIENT_KERNELS: readonly string[] = BACKPROP_GRADIENTS.map((c) => c.kernelName);

let installed = false;

/** Installs every fix once per process; importing the package calls it. */
export function installTfjsFixes(): void {
  if (installed) return;
  installCustomGradFixes();
  // tfjs registers no gradient under these names, so the order against tfjs-layers' imports is free.
  for (const config of BACKPROP_GRADIENTS) registerGradient(config);
  installed = true;
}

/** Whether installTfjsFixes has run in this process. */
export function tfjsFixesInstalled(): boolean {
  return installed;
}
