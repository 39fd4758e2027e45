// Node-only: two folders of images paired by file name (pix2pix's DIR_A and DIR_B: a.png in one is the
// input whose target is a.png in the other). Every file must have its partner, and partners must have
// the same size (pix2pix compares them pixel for pixel, so one side is never stretched to fit the
// other). Decoding as in image-folder.node.ts: grayscale files load as R = G = B when RGB is asked
// for (so grayscale and RGB files mix), RGB files as luma when 1 channel is; alpha is composited over
// white unless alpha: 'drop'.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { validateDataset, type ArrayDataset } from './dataset.js';
import type { AlphaMode, ResizeMethod } from './images.js';
import { putScaledRaster, readImageRaster, visibleEntries } from './image-folder.node.js';
import { pairNames, validatePairs, type PairedDataset } from './paired.js';

export interface PairedFolderOptions {
  /** output [height, width]; default: the images' own size, which every image must then share */
  size?: [number, number];
  /** 3 (RGB, default) or 1 (luma) for the source side; targetChannels defaults to the same */
  channels?: 1 | 3;
  targetChannels?: 1 | 3;
  resize?: ResizeMethod;
  /** 'white' (default): alpha composited over white; 'drop': alpha ignored */
  alpha?: AlphaMode;
}

function imageNames(dir: string): string[] {
  let names: string[];
  try {
    names = visibleEntries(dir);
  } catch (e) {
    throw new Error(`cannot read image folder ${dir}: ${(e as Error).message}`);
  }
  for (const n of names) if (statSync(join(dir, n)).isDirectory()) throw new Error(`${join(dir, n)}: a folder among paired images (the pairs must be files directly in ${dir})`);
  if (names.length === 0) throw new Error(`image folder ${dir} holds no images`);
  return names;
}

function checkChannels(c: unknown, what: string): 1 | 3 {
  if (c !== 1 && c !== 3) throw new Error(`${what} must be 1 or 3, got ${String(c)}`);
  return c;
}

/** sourceDir/<name> and targetDir/<name> for every name, as aligned datasets in [-1, 1]. */
export function loadPairedImageFolders(sourceDir: string, targetDir: string, o: PairedFolderOptions = {}): PairedDataset {
  const channels = { source: checkChannels(o.channels ?? 3, 'channels'), target: checkChannels(o.targetChannels ?? o.channels ?? 3, 'targetChannels') };
  const names = pairNames(imageNames(sourceDir), imageNames(targetDir), { sourceWhere: sourceDir, targetWhere: targetDir, strict: true });
  if (o.size && !o.size.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`loadPairedImageFolders: size must be two positive integers, got [${o.size.join(', ')}]`);
  }
  let size = o.size;
  let sizeFrom = '';
  let values: { source: Float32Array; target: Float32Array } | undefined;
  names.forEach((name, i) => {
    const a = { path: join(sourceDir, name), ...readImageRaster(join(sourceDir, name), channels.source, o.alpha) };
    const b = { path: join(targetDir, name), ...readImageRaster(join(targetDir, name), channels.target, o.alpha) };
    if (a.width !== b.width || a.height !== b.height) {
      throw new Error(`${a.path} is ${a.width} x ${a.height} but its partner ${b.path} is ${b.width} x ${b.height}; partners must be the same size`);
    }
    if (!size) {
      size = [a.height, a.width];
      sizeFrom = a.path;
    } else if (!o.size && (a.height !== size[0] || a.width !== size[1])) {
      throw new Error(`${a.path} is ${a.width} x ${a.height}, unlike ${sizeFrom} (${size[1]} x ${size[0]}); give a size to resize every image to it`);
    }
    const [h, w] = size;
    values ??= { source: new Float32Array(names.length * h * w * channels.source), target: new Float32Array(names.length * h * w * channels.target) };
    putScaledRaster(values.source, i * h * w * channels.source, a, channels.source, h, w, o.resize);
    putScaledRaster(values.target, i * h * w * channels.target, b, channels.target, h, w, o.resize);
  });
  const [h, w] = size!;
  const side = (dir: string, c: 1 | 3, v: Float32Array): ArrayDataset => validateDataset({ name: dir, itemShape: [h, w, c], count: names.length, values: v });
  return validatePairs({
    name: `${sourceDir}->${targetDir}`,
    source: side(sourceDir, channels.source, values!.source),
    target: side(targetDir, channels.target, values!.target),
    names,
  });
}
