// examples/eval/image-results.ts at a few steps: both frameworks train, dump samples at the same steps and
// are scored on one scale; the PyTorch twin has gantry's parameter counts; the FID curve plot puts its
// points where the data say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { dcganDiscriminator, dcganGenerator, decodePng, readIdxFile } from '../src/node.js';
import { linePlotRaster, plotFrame } from '../../../examples/eval/line-plot.js';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const script = join(repoRoot, 'examples/eval/image-results.ts');
const twin = join(repoRoot, 'examples/eval/torch_dcgan.py');

const trainable = (m: tfl.LayersModel) => m.trainableWeights.reduce((s, w) => s + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);

test('the PyTorch twin has the trainable parameter counts of gantry\'s DCGAN builders, for both losses', () => {
  for (const loss of ['nonsaturating', 'wgan-gp']) {
    const torch = JSON.parse(execFileSync('/usr/bin/python3', [twin, '--arch', 'twin', '--loss', loss, '--describe'], { encoding: 'utf8' }));
    const g = dcganGenerator({ imageSize: 28, channels: 1, latentDim: 100, baseFilters: 64, seed: 1 });
    const d = dcganDiscriminator({ imageSize: 28, channels: 1, baseFilters: 64, seed: 2, normalization: loss === 'wgan-gp' ? 'none' : 'batch' });
    assert.equal(torch.generator, trainable(g), `${loss}: generator`);
    assert.equal(torch.discriminator, trainable(d), `${loss}: discriminator`);
  }
});

test('image-results trains gantry and its PyTorch twin, dumps samples at the same steps and scores both', () => {
  const out = mkdtempSync(join(tmpdir(), 'gantry-image-results-'));
  try {
    const stdout = execFileSync(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', script, '--data', 'mnist', '--loss', 'wgan-gp', '--steps', '2',
      '--checkpoints', '2', '--samples', '40', '--out', out, '--img-dir', out], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
    const run = join(out, 'mnist-wgan-gp');
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
    assert.deepEqual(results.curves.map((c: { framework: string }) => c.framework), ['gantry', 'torch']);
    for (const curve of results.curves) {
      assert.deepEqual(curve.points.map((p: { step: number }) => p.step), [1, 2]);
      assert.equal(curve.timing.steps, 2);
      assert.equal(curve.timing.threads, 1);
      for (const p of curve.points) {
        assert.ok(Number.isFinite(p.metrics.fid) && p.metrics.fid > 0, `${curve.framework} step ${p.step}: FD ${p.metrics.fid}`);
        // two training steps are nowhere near the data: far above the floor of two real samples
        assert.ok(p.metrics.fid > 2 * results.floor.fid, `${curve.framework} FD ${p.metrics.fid} vs floor ${results.floor.fid}`);
      }
      for (const step of [1, 2]) {
        const idx = readIdxFile(join(run, curve.framework, `samples-${step}.idx`));
        assert.deepEqual(idx.shape, [40, 28, 28, 1]);
        assert.equal(idx.dtype, 'float32');
        assert.ok(idx.data.every((v) => v >= -1 && v <= 1), `${curve.framework} samples outside the tanh range`);
      }
    }
    // the same fixed noise at every dump: gantry's samples change between steps only because G trained
    const [s1, s2] = [1, 2].map((s) => readIdxFile(join(run, 'gantry', `samples-${s}.idx`)).data);
    assert.ok(s1.some((v, i) => v !== s2[i]));
    assert.match(stdout, /FD over generator steps/);
    for (const name of ['fid', 'gantry', 'torch']) assert.ok(existsSync(join(out, `eval-mnist-wgan-gp-${name}.png`)), name);
    const grid = decodePng(readFileSync(join(out, 'eval-mnist-wgan-gp-gantry.png')));
    // the first 40 samples (all there are) in 8 columns, 28 pixels at scale 2
    assert.ok(grid.width >= 8 * 56 && grid.width < 9 * 56 && grid.height >= 5 * 56 && grid.height < 6 * 56, `grid ${grid.width}x${grid.height}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the line plot draws each point in its series colour and the reference line where it belongs', () => {
  const series = [
    { rgb: [230, 110, 20] as [number, number, number], points: [[100, 500], [200, 120], [300, 40]] as Array<[number, number]> },
    { rgb: [40, 90, 200] as [number, number, number], points: [[100, 400], [300, 60]] as Array<[number, number]> },
  ];
  const options = { logY: true, reference: { y: 3, rgb: [150, 150, 150] as [number, number, number] } };
  const raster = linePlotRaster(series, options);
  const frame = plotFrame(series, options);
  const at = (x: number, y: number) => Array.from(raster.rgba.subarray(4 * (y * raster.width + x), 4 * (y * raster.width + x) + 3));
  // log axis: decades 10^0 .. 10^3 span the plot, so 10^1.5 sits halfway between the 10^1 and 10^2 rows
  assert.equal(frame.py(10 ** 1.5), Math.round((frame.py(10) + frame.py(100)) / 2));
  assert.deepEqual(at(frame.px(300), frame.py(40)), series[0].rgb);
  assert.deepEqual(at(frame.px(300), frame.py(60)), series[1].rgb);
  assert.deepEqual(at(frame.px(150), frame.py(3)), [150, 150, 150]);
  assert.ok(frame.px(100) < frame.px(200) && frame.py(500) < frame.py(120), 'x grows rightwards, y upwards');
});
