// The smallest use of the tabular synthesizer (docs/synth.md):
//   node --conditions=gantry-source --import tsx examples/tables/synth-example.ts
import '@tensorflow/tfjs-backend-cpu';
import { fitSynthesizer, formatCsv, parseCsv } from '@gantry/core';

const table = parseCsv('age,city\n31,Oslo\n45,Lima\n28,Oslo\n52,Pune\n', { source: 'people.csv' });
const synth = await fitSynthesizer(table, { seed: 0, steps: 100, batchSize: 20, pac: 2, generatorDims: [64, 64], discriminatorDims: [64, 64] });
console.log(formatCsv(synth.sample(5))); // 5 rows, columns age, city
console.log(formatCsv(synth.sample(3, { condition: { column: 'city', value: 'Lima' } })));
synth.dispose();
