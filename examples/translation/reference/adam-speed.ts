// One Adam update of pix2pix's G at 16 px (the U-Net of docs/translation.md's speed comparison, ngf 64: 6.2 million
// weights) in CPU ms: gantry's fused Adam on the torch backend here, PyTorch 1.13's torch.optim.Adam on tensors of the
// same sizes in adam-speed.py, which reads the sizes this writes. Random gradients; 5 warm-up updates, then 3 rounds
// of 20; one thread each.
//   GANTRY_TORCH_THREADS=1 node --conditions=gantry-source --import tsx examples/translation/reference/adam-speed.ts runs/adam-sizes.json
//   OMP_NUM_THREADS=1 /usr/bin/python3 examples/translation/reference/adam-speed.py runs/adam-sizes.json
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { adam, pix2pixGenerator } from '@gantry/core/node';

const sizesFile = process.argv[2];
if (!sizesFile) throw new Error('usage: adam-speed.ts SIZES.json');
await import('@gantry/tfjs-backend-torch');
if (!(await tf.setBackend('torch'))) throw new Error('the torch backend did not initialise');
const generator = pix2pixGenerator({ seed: 0, sourceShape: [16, 16, 3], targetShape: [16, 16, 3], pairs: 1 });
const variables = generator.trainableWeights.map((w) => w.read() as tf.Variable);
const sizes = variables.map((v) => v.size);
writeFileSync(sizesFile, `${JSON.stringify(sizes)}\n`);
const optimizer = adam(2e-4, 0.5, 0.999);
const grads = Object.fromEntries(variables.map((v) => [v.name, tf.randomNormal(v.shape, 0, 1, 'float32', 1)]));
for (let i = 0; i < 5; i++) optimizer.applyGradients(grads);
console.log(`gantry fused Adam, ${sizes.reduce((a, b) => a + b, 0)} weights in ${sizes.length} tensors`);
for (let round = 0; round < 3; round++) {
  const start = process.cpuUsage();
  for (let i = 0; i < 20; i++) optimizer.applyGradients(grads);
  const used = process.cpuUsage(start);
  console.log(`round ${round}: ${((used.user + used.system) / 1000 / 20).toFixed(2)} CPU ms per update`);
}
