// The floor of any google <-> twitter translator: the input copied unchanged, scored against the true
// target-style image on the emoji test split (L1, PSNR, SSIM of docs/translation.md's Metrics), in both
// directions (L1 and PSNR are symmetric; SSIM is too, up to rounding).
//   node --conditions=gantry-source --import tsx examples/translation/copy-floor.ts [--size 16|32|64]
import { parseArgs } from 'node:util';
import { loadEmojiPair, pairedImageMetrics } from '@gantry/core/node';

const { values } = parseArgs({ options: { size: { type: 'string', default: '16' } } });
const size = Number(values.size) as 16 | 32 | 64;
const pairs = loadEmojiPair({ source: 'google', target: 'twitter', size, split: 'test' });
const shape = [pairs.source.count, size, size, 3] as [number, number, number, number];
for (const [label, from, to] of [['google -> twitter', pairs.source, pairs.target], ['twitter -> google', pairs.target, pairs.source]] as const) {
  const m = pairedImageMetrics({ values: from.values, shape }, { values: to.values, shape });
  console.log(`${label} at ${size} px, input copied (${from.count} test pairs): L1 ${m.l1.mean.toFixed(4)}, PSNR ${m.psnr.mean.toFixed(2)} dB, SSIM ${m.ssim.mean.toFixed(4)}`);
}
