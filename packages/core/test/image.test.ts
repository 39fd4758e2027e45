import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { tileImages, writeImageGrid, writeScatterPng, scatterRaster, decodePng } from '../src/image/node.js';
import '../src/node.js';
import { trainGan, tensorDataSource } from '../src/train/index.js';

tf.setBackend('cpu');

function pixel(r: { width: number; rgba: Uint8Array }, x: number, y: number): number[] {
  const i = (y * r.width + x) * 4;
  return Array.from(r.rgba.subarray(i, i + 4));
}

test('tileImages places each image at its grid cell, mapping [-1, 1] and [0, 1] to 0..255', () => {
  // 3 grey 2x2 images, each filled with its own value; 2 columns, padding 1
  const values = [-1, 0, 1];
  const data = values.flatMap((v) => [v, v, v, v]);
  const r = tileImages({ data, shape: [3, 2, 2, 1] }, { columns: 2, padding: 1, background: 7 });
  assert.equal(r.width, 2 * 2 + 3);
  assert.equal(r.height, 2 * 2 + 3);
  assert.deepEqual(pixel(r, 1, 1), [0, 0, 0, 255]);
  assert.deepEqual(pixel(r, 4, 2), [128, 128, 128, 255]); // (0 + 1) / 2 * 255 = 127.5 rounds to 128
  assert.deepEqual(pixel(r, 2, 5), [255, 255, 255, 255]);
  assert.deepEqual(pixel(r, 0, 0), [7, 7, 7, 255]);
  assert.deepEqual(pixel(r, 5, 5), [7, 7, 7, 255], 'empty fourth cell stays background');
  const unit = tileImages({ data: [0.2, 0.4, 0.6, 1, 0, 0.5], shape: [1, 1, 2, 3] }, { padding: 0 });
  assert.deepEqual(pixel(unit, 0, 0), [51, 102, 153, 255]);
  assert.deepEqual(pixel(unit, 1, 0), [255, 0, 128, 255]);
  assert.throws(() => tileImages({ data: [1, 2], shape: [1, 1, 1, 2] }), /channels must be 1 or 3, got 2/);
  assert.throws(() => tileImages({ data: [1, 2], shape: [2, 2] }), /expected images of shape \[N, H, W, C\], got \[2, 2\]/);
});

test('writeImageGrid writes a PNG that decodes to the same raster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-png-'));
  const images = tf.tidy(() => tf.sub(tf.mul(tf.reshape(tf.linspace(0, 1, 4 * 5 * 6 * 3), [4, 5, 6, 3]), 2), 1));
  const path = join(dir, 'grid.png');
  const size = writeImageGrid(path, images, { scale: 2 });
  const decoded = decodePng(readFileSync(path));
  const expected = tileImages({ data: images.dataSync(), shape: images.shape }, { scale: 2 });
  assert.deepEqual({ width: decoded.width, height: decoded.height }, size);
  assert.deepEqual(decoded.rgba, expected.rgba);
  assert.deepEqual(readdirSync(dir), ['grid.png']);
});

test('training an image GAN writes sample grids from fixed noise every N steps', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'gantry-img-'));
  const z = tfl.input({ shape: [4] });
  const g = tfl.model({ inputs: z, outputs: tfl.layers.reshape({ targetShape: [6, 6, 1] }).apply(
    tfl.layers.dense({ units: 36, activation: 'tanh' }).apply(z)) as tfl.SymbolicTensor });
  const x = tfl.input({ shape: [6, 6, 1] });
  const d = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 1 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor });
  const data = tensorDataSource(tf.randomUniform([20, 6, 6, 1], -1, 1, 'float32', 1));
  await trainGan({ generator: g, discriminator: d, data, runDir, progress: 'off', steps: 4,
    config: { loss: 'lsgan', latentDim: 4, seed: 1, batchSize: 4, sampleEvery: 2, sampleCount: 9 } });
  assert.deepEqual(readdirSync(join(runDir, 'samples')), ['step-000002.png', 'step-000004.png']);
  const png = decodePng(readFileSync(join(runDir, 'samples', 'step-000004.png')));
  // 9 images of 6x6 upscaled 2x in a 3x3 grid with 2px padding
  assert.deepEqual([png.width, png.height], [3 * 12 + 4 * 2, 3 * 12 + 4 * 2]);
});

test('scatter plots put points where their coordinates say, and reference rings around modes', () => {
  const r = scatterRaster([1, 1, -1, -1], { extent: 2, size: 101, references: [[0, 1]] });
  // window [-2, 2] on 101 pixels: x = 1 -> column 75, y = 1 -> row 25
  const at = (x: number, y: number) => pixel(r, x, y).slice(0, 3);
  assert.deepEqual(at(75, 25), [30, 90, 200].map((c) => Math.round(255 * 0.2 + c * 0.8)));
  assert.deepEqual(at(25, 75), at(75, 25));
  assert.deepEqual(at(10, 10), [255, 255, 255]);
  assert.deepEqual(at(50 + 6, 25), [220, 40, 40], 'ring of radius 6 px around the reference (0, 1)');
  const dir = mkdtempSync(join(tmpdir(), 'gantry-scatter-'));
  writeScatterPng(join(dir, 's.png'), tf.tensor2d([[0, 0], [1, 2]]), { size: 64 });
  assert.equal(decodePng(readFileSync(join(dir, 's.png'))).width, 64);
  assert.throws(() => writeScatterPng(join(dir, 'bad.png'), tf.zeros([3, 3])), /points must be \[N, 2\], got \[3, 3\]/);
});
