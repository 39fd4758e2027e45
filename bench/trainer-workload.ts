// A bench workload that is a core trainer's own step: the Trainable that `gantry train` builds, stepped as
// the training loop (packages/core/src/train/loop.ts) steps it: an env with the step number and the run's
// RNG, then the EMA update of every averaged model. What the loop does only every N steps (the weight
// guard every 100, metrics, checkpoints) is left out: it is not part of a training step.
import type * as tfl from '@tensorflow/tfjs-layers';

import { createEma, createRng, SINGLE_PROCESS, type Trainable } from '@gantry/core';

import { trainableParameterCount, type Step, type Workload } from './workloads.js';

/** What a trainer workload is: the players' networks, their trained parameter counts (the PyTorch twin asserts the same) and the reported loss term. */
export interface TrainerPlayers { generator: tfl.LayersModel[]; discriminator: tfl.LayersModel[]; parameters: [number, number]; loss: string }

/** The trainer's step as a Workload; it reports the `loss` term (G's, as the other workloads report). */
export function trainerWorkload(trainable: Trainable, { generator, discriminator, parameters, loss }: TrainerPlayers): Workload {
  const counts = [trainableParameterCount(generator), trainableParameterCount(discriminator)];
  if (counts[0] !== parameters[0] || counts[1] !== parameters[1]) {
    throw new Error(`${trainable.kind} bench workload: G ${counts[0]} and D ${counts[1]} trained parameters, its PyTorch twin has ${parameters[0]} and ${parameters[1]}: ` +
      'update the twin (bench/*_peer.py) and both counts together');
  }
  const rng = createRng(1);
  const averaged = Object.entries(trainable.ema ?? {}).map(([name, decay]) => ({ model: trainable.models[name], ema: createEma(trainable.models[name], decay) }));
  let taken = 0;
  const step: Step = () => {
    taken++;
    // minimize() reads every loss term back, so the step's work is done when it returns
    const losses = trainable.step({ step: taken, totalSteps: Number.MAX_SAFE_INTEGER, rng, replicas: SINGLE_PROCESS });
    for (const a of averaged) a.ema.update(a.model);
    if (!(loss in losses)) throw new Error(`${trainable.kind} step returned no '${loss}' term (got ${Object.keys(losses).join(', ')})`);
    return Promise.resolve(losses[loss]);
  };
  return { step, generator, discriminator };
}
