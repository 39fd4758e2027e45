// The engine saves every tensor a gradient will need (a kernel's inputsToSave / outputsToSave, what a
// customGrad passes to save()) through its private Engine.clone: it dispatches the Identity kernel (kernel
// lookup, a scoped run, the profiler's bookkeeping) and then records a tape node from the copy back to the
// original, which is what makes a saved input differentiable in a second backward pass. On this backend
// Identity only counts one more reference to the same data, so the dispatch is pure overhead: about 4 of
// a clone's 11 us, and a CycleGAN step at 16 px saves 724 tensors (docs/translation.md).
// The clone installed here does the same three things directly (one more reference, a tensor on the same
// data, the same tape node and gradient) for data this backend holds while it is the engine's backend;
// any other tensor goes through the engine's own clone. An own property on the one global engine shadows
// the class method, as custom-grad.ts does for customGrad.
import { engine, type NamedTensorMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';

import { TorchBackend } from './backend.js';

type CloneGradient = (dy: Tensor) => { x: () => Tensor };

interface EngineInternals {
  backendInstance: unknown;
  state: { activeScope: { name: string } };
  clone(x: Tensor): Tensor;
  makeTensorFromTensorInfo(info: TensorInfo, backend?: unknown): Tensor;
  addTapeNode(name: string, inputs: NamedTensorMap, outputs: Tensor[], gradient: CloneGradient, saved: Tensor[], attrs: object): void;
  runKernel(name: string, inputs: NamedTensorMap, attrs: object): Tensor;
}

let installed = false;

/** Shadows Engine.clone with the direct version above; once per process. */
export function installDirectClone(): void {
  if (installed) return;
  const internals = engine() as unknown as EngineInternals;
  const engineClone = internals.clone.bind(internals);
  // The engine's own clone gradient: the copy's gradient reaches the original as a float32 cast.
  const gradient: CloneGradient = (dy) => ({ x: () => internals.runKernel('Cast', { x: dy }, { dtype: 'float32' }) });
  internals.clone = (x: Tensor): Tensor => {
    const backend = internals.backendInstance;
    if (!(backend instanceof TorchBackend) || !backend.holds(x.dataId)) return engineClone(x);
    backend.incRef(x.dataId);
    const y = internals.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend);
    internals.addTapeNode(internals.state.activeScope.name, { x }, [y], gradient, [], {});
    return y;
  };
  installed = true;
}
