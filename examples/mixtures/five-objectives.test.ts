// The five-objective section: numbers computed from the runs, and a splice that touches only that section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIVE_OBJECTIVES_HEADING, fiveObjectivesSection, spliceSection } from './five-objectives.js';
import type { RunSpec } from './recipe.js';
import { specFor, type Objective, type RunResult } from './study.js';

const base: RunSpec = {
  loss: 'nonsaturating', steps: 100, gHidden: [8], dHidden: [8], gBatchNorm: false, maxout: 0, pack: 1, scale: 1.4, batch: 16,
  latentDim: 2, lr: 1e-3, r1: 1, beta1: 0.5, beta2: 0.999, ema: 0, decay: 0.4,
};

function run(objective: Objective, seed: number, modesCovered: number, highQualityFraction: number): RunResult {
  const scores = { modesCovered, modes: 8, highQualityFraction, klToUniform: 0.1 * seed };
  return { label: 'five', objective, dataset: 'ring8', seed, spec: specFor(objective, base, 'generator-steps'), backend: 'cpu', sampler: 'G',
    scores, generatorScores: scores, seconds: 10, cpuSeconds: 6 + seed };
}

test('the table row of each objective is its runs\' mean ± sample std, with G steps and D updates', () => {
  const results = [run('nonsaturating', 0, 8, 0.5), run('nonsaturating', 1, 6, 0.7), run('wgan-gp', 0, 7, 0.2), run('wgan-gp', 1, 7, 0.2)];
  const lines = fiveObjectivesSection(results, 'runs.jsonl');
  assert.equal(lines[0], FIVE_OBJECTIVES_HEADING);
  // modes 7 ± 1.41, high quality 60 ± 14.1 %, KL 0.05 ± 0.07, CPU (6 + 7) / 2
  assert.ok(lines.includes('| nonsaturating | ring8 | 2 | 100 | 100 | 7.0 ± 1.4 / 8 | 60.0 ± 14.1 | 0.05 ± 0.07 | 7 |'), lines.join('\n'));
  assert.ok(lines.includes('| wgan-gp | ring8 | 2 | 100 | 500 | 7.0 ± 0.0 / 8 | 20.0 ± 0.0 | 0.05 ± 0.07 | 7 |'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('- ring8: by high-quality share nonsaturating 60.0%, wgan-gp 20.0%; no objective covers every mode')));
  assert.deepEqual(fiveObjectivesSection([], 'x'), []);
  // a seed that not every objective finished stays out of the table
  const partial = fiveObjectivesSection([...results, run('nonsaturating', 2, 8, 0.9)], 'runs.jsonl');
  assert.ok(partial.includes('| nonsaturating | ring8 | 2 | 100 | 100 | 7.0 ± 1.4 / 8 | 60.0 ± 14.1 | 0.05 ± 0.07 | 7 |'));
  assert.ok(partial.some((l) => l.includes('1 runs of seeds that not every objective finished')));
});

test('spliceSection replaces only the five-objective section, or inserts it before the given heading', () => {
  const section = [FIVE_OBJECTIVES_HEADING, '', 'new', ''];
  const doc = ['# Doc', '', '## The five objectives at the previous study\'s budget', 'old', '', '## Published', 'kept'].join('\n');
  assert.equal(spliceSection(doc, section, '## Published'), ['# Doc', '', ...section, '## Published', 'kept'].join('\n'));
  const without = ['# Doc', '', '## Published', 'kept'].join('\n');
  assert.equal(spliceSection(without, section, '## Published'), ['# Doc', '', ...section, '## Published', 'kept'].join('\n'));
  assert.throws(() => spliceSection('# Doc', section, '## Published'), /no "## The five objectives with the current trainer" section/);
});
