// Picks the fastest tfjs backend available: the LibTorch one when its addon is built, else cpu.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Importing the torch package builds the addon when it is missing (minutes), so look first. */
function torchAddonBuilt(): boolean {
  try {
    const entry = fileURLToPath(import.meta.resolve('@gantry/tfjs-backend-torch'));
    return existsSync(new URL('../native/build/Release/gantry_torch.node', `file://${entry}`));
  } catch {
    return false;
  }
}

/** GANTRY_BACKEND=cpu forces cpu; =torch insists on torch (building it if needed). */
export async function selectBackend(want = process.env.GANTRY_BACKEND): Promise<string> {
  if (want === 'torch' || (want !== 'cpu' && torchAddonBuilt())) {
    try {
      await import('@gantry/tfjs-backend-torch');
      if (await tf.setBackend('torch')) return 'torch';
    } catch (e) {
      if (want === 'torch') throw new Error(`the torch backend is not available: ${(e as Error).message} (build it with npm run build:native)`);
    }
  }
  // silences tfjs-backend-cpu's "install tfjs-node" banner, which would mislead here. Not IS_TEST, which also
  // turns on tfjs's per-kernel leak check: that counts what a custom gradient saves of its own intermediates
  // (instance norm's, GAN-TTS's conditional norm's) as leaked and stops the run
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  return 'cpu';
}
