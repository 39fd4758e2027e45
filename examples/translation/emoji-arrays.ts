// Writes the emoji datasets as raw little-endian float32 arrays for the PyTorch classifier trainer
// (train_emoji_classifier.py), so that the images, the alpha compositing, the area averaging and the
// fixed test split come from gantry's own loader and are not re-implemented in Python.
//   node --conditions=gantry-source --import tsx examples/translation/emoji-arrays.ts OUT_DIR
// writes OUT_DIR/<style>-<split>-<size>.f32 ([N, size, size, 3] in [-1, 1]), .labels.i32 and index.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEmoji } from '@gantry/core/node';

const out = process.argv[2];
if (!out) throw new Error('usage: emoji-arrays.ts OUT_DIR');
mkdirSync(out, { recursive: true });
// training at 32 px (what the classifier's first layer, a 2 x 2 area average, makes of 64 px input);
// the test split also at 64 px, to check the exported network on the images it will be given
const parts = [
  { split: 'train', size: 32 }, { split: 'test', size: 32 }, { split: 'test', size: 64 },
] as const;
const index: Record<string, { count: number; size: number; classNames: string[] }> = {};
for (const style of ['google', 'twitter'] as const) {
  for (const { split, size } of parts) {
    const { dataset } = loadEmoji({ style, split, size });
    const key = `${style}-${split}-${size}`;
    writeFileSync(join(out, `${key}.f32`), new Uint8Array(dataset.values.buffer, dataset.values.byteOffset, dataset.values.byteLength));
    const labels = Int32Array.from(dataset.labels ?? []);
    writeFileSync(join(out, `${key}.labels.i32`), new Uint8Array(labels.buffer));
    index[key] = { count: dataset.count, size, classNames: dataset.classNames ?? [] };
    console.log(`${key}: ${dataset.count} images`);
  }
}
writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 1));
