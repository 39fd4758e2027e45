// pix2pix's U-Net generator: the layer plan, and the forward pass against a PyTorch transcription of the
// authors' UnetGenerator / UnetSkipConnectionBlock (in-place activations and all) given the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { unetGenerator } from '../src/index.js';

await tf.setBackend('cpu');

test('unetGenerator: 64 px, depth 6 by default, ngf x 1-2-4-8-8-8 down, skips at every size, dropout in block 4 only', () => {
  const g = unetGenerator({ inputShape: [64, 64, 3], baseFilters: 8, seed: 1 });
  assert.deepEqual(g.outputs[0].shape, [null, 64, 64, 3]);
  const byClass = (cls: string) => g.layers.filter((l) => l.getClassName() === cls);
  assert.deepEqual(byClass('Conv2D').map((l) => (l.getConfig() as { filters: number }).filters), [8, 16, 32, 64, 64, 64]);
  assert.deepEqual(byClass('Conv2DTranspose').map((l) => (l.getConfig() as { filters: number }).filters), [64, 64, 32, 16, 8, 3]);
  assert.deepEqual(byClass('Concatenate').map((l) => l.name), ['unet_skip5', 'unet_skip4', 'unet_skip3', 'unet_skip2', 'unet_skip1']);
  assert.deepEqual(byClass('Dropout').map((l) => l.name), ['unet_up4_dropout']);
  // 8 downs at 256 px: three dropout blocks, as the authors' num_downs - 5
  const big = unetGenerator({ inputShape: [256, 256, 3], baseFilters: 2 });
  assert.equal(big.layers.filter((l) => l.getClassName() === 'Dropout').length, 3);
  // batch norm: no biases before it; the outermost transposed conv keeps its bias
  assert.deepEqual(byClass('Conv2D').map((l) => (l.getConfig() as { useBias: boolean }).useBias), [false, false, false, false, false, false]);
  assert.equal((byClass('Conv2DTranspose')[5].getConfig() as { useBias: boolean }).useBias, true);
  const gray = unetGenerator({ inputShape: [32, 32, 1], outputChannels: 3, baseFilters: 4 });
  assert.deepEqual(gray.outputs[0].shape, [null, 32, 32, 3]);
  assert.throws(() => unetGenerator({ inputShape: [48, 48, 3], depth: 5 }), /48 x 48 divisible by 2\^depth = 32/);
});

// The authors' blocks (models/networks.py), transcribed; weights come in by layer name.
const TWIN = `
import json, sys, torch, torch.nn as nn
d = json.loads(sys.stdin.read())
W = {k: torch.tensor(v['values'], dtype=torch.float64).reshape(v['shape']) for k, v in d['weights'].items()}
norm_kind, depth, ngf, cin = d['norm'], d['depth'], d['ngf'], d['cin']
def norm(nc):
    return nn.BatchNorm2d(nc, eps=1e-5) if norm_kind == 'batch' else nn.InstanceNorm2d(nc, affine=False, track_running_stats=False)
use_bias = norm_kind == 'instance'
class Block(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False, i=0):
        super().__init__()
        self.outermost = outermost
        input_nc = outer_nc if input_nc is None else input_nc
        downconv = nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        downrelu, downnorm = nn.LeakyReLU(0.2, True), norm(inner_nc)
        uprelu, upnorm = nn.ReLU(True), norm(outer_nc)
        load_conv(downconv, f'unet_down{i}')
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1)
            load_conv(upconv, f'unet_up{i}')
            model = [downconv, submodule, uprelu, upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            load_conv(upconv, f'unet_up{i}'); load_norm(upnorm, f'unet_up{i}_norm')
            model = [downrelu, downconv, uprelu, upconv, upnorm]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            load_conv(upconv, f'unet_up{i}'); load_norm(downnorm, f'unet_down{i}_norm'); load_norm(upnorm, f'unet_up{i}_norm')
            model = [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm]
        self.model = nn.Sequential(*model)
    def forward(self, x):
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)
def load_conv(m, name):
    # tfjs [kh, kw, in, out] -> [out, in, kh, kw]; transposed: [kh, kw, out, in] -> [in, out, kh, kw]
    m.weight.data = W[name + '/kernel'].permute(3, 2, 0, 1)
    if m.bias is not None: m.bias.data = W[name + '/bias']
def load_norm(m, name):
    if norm_kind != 'batch': return
    m.weight.data, m.bias.data = W[name + '/gamma'], W[name + '/beta']
f = lambda i: ngf * min(2 ** i, 8)
block = Block(f(depth - 2), f(depth - 1), innermost=True, i=depth - 1)
for i in range(depth - 2, 0, -1):
    block = Block(f(i - 1), f(i), submodule=block, i=i)
net = Block(d['cout'], ngf, input_nc=cin, submodule=block, outermost=True, i=0).double().train()
x = torch.tensor(d['x'], dtype=torch.float64).reshape(d['xshape']).permute(0, 3, 1, 2)
print(json.dumps(net(x).permute(0, 2, 3, 1).reshape(-1).tolist()))
`;

test('unetGenerator: the same outputs as the authors\' UnetGenerator in PyTorch (batch norm in training mode, and instance norm)', () => {
  for (const normalization of ['batch', 'instance'] as const) {
    const [depth, ngf] = [5, 4];
    const g = unetGenerator({ inputShape: [32, 32, 2], outputChannels: 3, depth, baseFilters: ngf, normalization, dropout: 0, seed: 3 });
    const weights: Record<string, { values: number[]; shape: number[] }> = {};
    for (const layer of g.layers) {
      for (const v of layer.weights) weights[`${layer.name}/${v.originalName.split('/').pop()}`] = { values: [...v.read().dataSync()], shape: v.shape as number[] };
    }
    const x = tf.randomUniform([2, 32, 32, 2], -1, 1, 'float32', 7);
    const got = (g.apply(x, { training: true }) as tf.Tensor).dataSync();
    const out = execFileSync('/usr/bin/python3', ['-c', TWIN], {
      input: JSON.stringify({ weights, norm: normalization, depth, ngf, cin: 2, cout: 3, x: [...x.dataSync()], xshape: x.shape }),
      encoding: 'utf8', maxBuffer: 1 << 26,
    });
    const want = JSON.parse(out) as number[];
    assert.equal(got.length, want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assert.ok(worst < 1e-4, `${normalization}: largest difference ${worst}`);
  }
});
