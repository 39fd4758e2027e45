// --data of the image generators that grow or style images from noise (StyleGAN, ProGAN) and of gantry eval of
// their runs: emoji:<style>[:16|:32|:64] (32 px when no size is given), or fashion-mnist, Fashion-MNIST padded
// to 32 x 32 with its background value (-1) and its gray repeated into RGB, since those networks draw 3 channels
// at a power-of-2 side (issue 17: "Fashion-MNIST padded to 32 x 32").
import { FASHION_PADDED_SIDE, loadEmoji, loadPaddedFashionMnist, type ArrayDataset } from '@gantry/core/node';
import { UsageError } from './args.js';
import { emojiRoot, parseEmojiSpec } from './data.js';

const FASHION = /^fashion-mnist(:32)?$/;

export function isFashionSpec(spec: string): boolean {
  return FASHION.test(spec);
}

/** A --data spec with its size made explicit, and that size; `imageSize` is --image-size where given. */
export function generationDataSpec(spec: string, model: string, imageSize?: number): { spec: string; side: number } {
  if (isFashionSpec(spec)) {
    if (imageSize !== undefined && imageSize !== FASHION_PADDED_SIDE) {
      throw new UsageError(`--image-size ${imageSize}: --model ${model} pads fashion-mnist to ${FASHION_PADDED_SIDE} x ${FASHION_PADDED_SIDE}`);
    }
    return { spec: `fashion-mnist:${FASHION_PADDED_SIDE}`, side: FASHION_PADDED_SIDE };
  }
  const emoji = parseEmojiSpec(spec, imageSize ?? (spec.split(':').length > 2 ? undefined : 32));
  if (!emoji) throw new UsageError(`--data ${spec}: --model ${model} trains on emoji:<style>[:16|:32|:64] or fashion-mnist (32 px)`);
  return { spec: `emoji:${emoji.style}:${emoji.size}`, side: emoji.size };
}

/** The training images of a spec as generationDataSpec makes it explicit (emoji:<style>:<size>, fashion-mnist:32). */
export function loadGenerationData(spec: string): ArrayDataset {
  if (isFashionSpec(spec)) return loadPaddedFashionMnist({ split: 'train' });
  const { style, size } = parseEmojiSpec(spec)!;
  return loadEmoji({ style, size, split: 'train', packageRoot: emojiRoot(style) }).dataset;
}
