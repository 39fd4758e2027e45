// Layer-for-layer check of the CycleGAN networks the comparison runs (docs/translation.md, "CycleGAN and DiscoGAN
// measured"): gantry's ResNet generator (6 blocks) and 2-layer PatchGAN at 32 filters on 16 px, their parameter count,
// kernel shapes (tfjs layout: kh, kw, in, out; transposed convs kh, kw, out, in) and output shape, to set beside
// cyclegan-layers.py's print of the authors' networks.
//   node --conditions=gantry-source --import tsx examples/translation/reference/cyclegan-layers.ts
import '@tensorflow/tfjs-backend-cpu';
import { resnetGenerator, patchGanDiscriminator } from '@gantry/core';
for (const [name, m] of [['G', resnetGenerator({ inputShape: [16, 16, 3], baseFilters: 32, blocks: 6 })], ['D', patchGanDiscriminator({ inputShape: [16, 16, 3], layers: 2, baseFilters: 32, normalization: 'instance' })]] as const) {
  const kernels = m.weights.filter((w) => w.shape.length === 4).map((w) => w.shape);
  console.log(name, m.countParams(), 'params,', m.weights.length, 'tensors; output', m.outputs[0].shape);
  console.log('  ', JSON.stringify(kernels));
}
