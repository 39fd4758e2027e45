// Test accuracy of the shipped feature extractors, computed in TypeScript (tfjs cpu backend) over the
// whole test split, to confirm the exported weights reproduce the accuracy recorded at training time.
//   node --conditions=gantry-source --import tsx examples/eval/extractor-accuracy.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadFashionMnist, loadMnistPackage, loadFeatureExtractor, readClassifierJson } from '@gantry/core/node';

await tf.setBackend('cpu');
for (const name of ['mnist', 'fashion-mnist'] as const) {
  const test = name === 'mnist' ? loadMnistPackage({ split: 'test' }) : loadFashionMnist({ split: 'test' });
  const started = Date.now();
  const { logits } = loadFeatureExtractor(name).extract(test);
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits.data[i * 10 + j] > logits.data[i * 10 + best]) best = j;
    if (best === test.labels![i]) correct++;
  }
  const recorded = readClassifierJson(name).testAccuracy;
  console.log(`${name}: test accuracy ${(correct / test.count).toFixed(4)} on ${test.count} images (torch at training: ${recorded.toFixed(4)}); ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
