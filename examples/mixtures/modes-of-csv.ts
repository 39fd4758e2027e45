// Mode coverage of 2D samples written by `gantry sample RUN --out x.csv`, against a built-in mixture.
//   node --conditions=gantry-source --import tsx examples/mixtures/modes-of-csv.ts r8.csv [ring8|grid25]
import { readFileSync } from 'node:fs';
import { grid25, modeMetrics, ring8 } from '@gantry/core';

const [file, name = 'ring8'] = process.argv.slice(2);
if (!file || (name !== 'ring8' && name !== 'grid25')) {
  console.error('usage: modes-of-csv.ts <samples.csv> [ring8|grid25]');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
const points = lines.map((line, i) => {
  const xy = line.split(',').map(Number);
  if (xy.length !== 2 || !xy.every(Number.isFinite)) throw new Error(`${file}:${i + 2}: expected two numbers, got "${line}"`);
  return xy as [number, number];
});
const mixture = name === 'ring8' ? ring8() : grid25();
const m = modeMetrics(points, mixture);
console.log(`${file} vs ${name}: ${m.modesCovered} of ${m.modes} modes covered, ` +
  `${(100 * m.highQualityFraction).toFixed(1)}% high-quality samples, KL to uniform ${m.klToUniform.toFixed(3)}`);
