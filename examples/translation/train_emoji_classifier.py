"""Trains the emoji category classifier whose penultimate activations are gantry's feature space for
64 x 64 colour images (Frechet and kernel distances of translated emoji; issue 16).

  GANTRY_TORCH_THREADS=1 nice /usr/bin/python3 examples/translation/train_emoji_classifier.py

It first runs examples/translation/emoji-arrays.ts, so the images, alpha compositing, area averaging and
the fixed test split are gantry's loader's (docs/translation.md), then trains with PyTorch on the TRAIN
split of both styles (emoji:google and emoji:twitter, 6,830 images, 10 categories) and writes
packages/core/assets/emoji-classifier.json in the format of the MNIST extractors (examples/features/
train_classifier.py): base64 float32 weights in tfjs layout, plus torch's logits and features for a few
test images so the TypeScript network can be checked against this one.

Why PyTorch and 32 px: as for the MNIST extractors, this is a fixed tool, not a gantry result, and
torch on one thread trains it in minutes. The network takes 64 x 64 input but its first layer is a
2 x 2 average (exactly emoji:<style>:32's area averaging), so it is trained on the 32 px arrays: a
quarter of the convolution work of 64 px, and the categories stay recognisable at 32 px.

Architecture (tfjs names): avgpool 2 -> conv1 32 3x3/1 -> conv2 32 3x3/2 -> conv3 64 3x3/2 ->
conv4 64 3x3/2 (each: pad 1, batch norm folded into the conv at export, ReLU) -> global average ->
dense1 64 ReLU (the features) -> dropout 0.3 (training only) -> dense2 10 (logits). 64 features, not
MNIST's 128, because the test split has only 371 images per style: a 64 x 64 covariance is far better
estimated from them.
"""
import argparse
import base64
import json
import os
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
STYLES = ['google', 'twitter']
CHANNELS = [32, 32, 64, 64]
STRIDES = [1, 2, 2, 2]
FEATURES = 64


def load(arrays, key):
    meta = json.load(open(os.path.join(arrays, 'index.json')))[key]
    s = meta['size']
    x = np.fromfile(os.path.join(arrays, f'{key}.f32'), dtype='<f4').reshape(meta['count'], s, s, 3)
    y = np.fromfile(os.path.join(arrays, f'{key}.labels.i32'), dtype='<i4').astype(np.int64)
    return torch.tensor(x).permute(0, 3, 1, 2).contiguous(), torch.tensor(y), meta['classNames']


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [3] + CHANNELS
        self.convs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3, STRIDES[i], 1, bias=False) for i in range(len(CHANNELS)))
        self.norms = nn.ModuleList(nn.BatchNorm2d(c) for c in CHANNELS)
        self.dense1 = nn.Linear(CHANNELS[-1], FEATURES)
        self.dense2 = nn.Linear(FEATURES, 10)

    def features32(self, x):  # x: [N, 3, 32, 32]
        for conv, norm in zip(self.convs, self.norms):
            x = F.relu(norm(conv(x)))
        return F.relu(self.dense1(x.mean((2, 3))))

    def forward32(self, x):
        return self.dense2(F.dropout(self.features32(x), 0.3, self.training))

    def features(self, x64):  # the exported network: 64 px in
        return self.features32(F.avg_pool2d(x64, 2))

    def forward(self, x64):
        return self.dense2(self.features(x64))


def augment(x, g):
    # a random shift of up to 2 px (white border, as the background) per batch and a horizontal flip per image
    n = x.shape[0]
    dx, dy = (int(v) for v in torch.randint(0, 5, (2,), generator=g))
    x = F.pad(x, (2, 2, 2, 2), value=1.0)[:, :, dy:dy + 32, dx:dx + 32]
    flip = torch.rand(n, generator=g) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(3), x)


def accuracy(model, x, y, forward):
    with torch.no_grad():
        pred = torch.cat([forward(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    return (pred == y).float().mean().item()


def fold(conv, norm):
    # eval-mode batch norm after a bias-free conv, as one conv with bias
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    return conv.weight * scale[:, None, None, None], norm.bias - norm.running_mean * scale


def b64(t):
    return base64.b64encode(np.ascontiguousarray(t, dtype='<f4').tobytes()).decode('ascii')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=int(os.environ.get('GANTRY_TORCH_THREADS', '1')))
    p.add_argument('--arrays', default=os.path.join(ROOT, 'runs', 'emoji-classifier', 'arrays'))
    p.add_argument('--out', default=os.path.join(ROOT, 'packages', 'core', 'assets', 'emoji-classifier.json'))
    a = p.parse_args()
    if not os.path.exists(os.path.join(a.arrays, 'index.json')):
        subprocess.run(['node', '--conditions=gantry-source', '--import', 'tsx', 'examples/translation/emoji-arrays.ts', a.arrays], cwd=ROOT, check=True)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    parts = {f'{s}-{k}': load(a.arrays, f'{s}-{k}') for s in STYLES for k in ['train-32', 'test-64']}
    classes = parts['google-train-32'][2]
    assert all(v[2] == classes for v in parts.values()), 'class order differs between parts'
    xtr = torch.cat([parts[f'{s}-train-32'][0] for s in STYLES])
    ytr = torch.cat([parts[f'{s}-train-32'][1] for s in STYLES])
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    g = torch.Generator().manual_seed(a.seed)
    batch, steps, t0 = 64, 0, time.time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr), generator=g)
        total = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model.forward32(augment(xtr[idx], g)), ytr[idx])
            opt.zero_grad(); loss.backward(); opt.step()
            total += loss.item() * len(idx); steps += 1
        sched.step()
        model.eval()
        accs = {s: accuracy(model, *parts[f'{s}-test-64'][:2], model) for s in STYLES}
        print(f'epoch {epoch + 1}/{a.epochs} train loss {total / len(order):.4f} test accuracy '
              + ' '.join(f'{s} {v:.4f}' for s, v in accs.items()) + f' ({time.time() - t0:.0f}s)', flush=True)
    seconds = time.time() - t0
    model.eval()
    xte = torch.cat([parts[f'{s}-test-64'][0] for s in STYLES])
    yte = torch.cat([parts[f'{s}-test-64'][1] for s in STYLES])
    acc = accuracy(model, xte, yte, model)
    train_acc = accuracy(model, xtr, ytr, model.forward32)
    # torch's outputs for the first 4 test images of each style, for the TypeScript check
    check_styles = [s for s in STYLES for _ in range(4)]
    check_indices = [i for _ in STYLES for i in range(4)]
    check_x = torch.stack([parts[f'{s}-test-64'][0][i] for s, i in zip(check_styles, check_indices)])
    with torch.no_grad():
        check_logits = model(check_x).numpy()
        check_features = model.features(check_x).numpy()
    weights, layers = {}, [{'op': 'avgPool', 'size': 2}]
    for i, (conv, norm) in enumerate(zip(model.convs, model.norms)):
        w, b = fold(conv, norm)
        weights[f'conv{i + 1}/kernel'] = w.detach().numpy().transpose(2, 3, 1, 0)
        weights[f'conv{i + 1}/bias'] = b.detach().numpy()
        layers.append({'op': 'conv', 'name': f'conv{i + 1}', 'stride': STRIDES[i], 'padding': 1, 'relu': True})
    for name in ['dense1', 'dense2']:
        layer = getattr(model, name)
        weights[f'{name}/kernel'] = layer.weight.detach().numpy().T
        weights[f'{name}/bias'] = layer.bias.detach().numpy()
    layers += [{'op': 'globalAvgPool'}, {'op': 'dense', 'name': 'dense1', 'relu': True}, {'op': 'dense', 'name': 'dense2', 'relu': False}]
    out = {
        'format': 'gantry-classifier-v1',
        'dataset': 'emoji',
        'architecture': 'avgpool2-' + '-'.join(f'conv{c}k3s{s}-bn-relu' for c, s in zip(CHANNELS, STRIDES)) + f'-gap-dense{FEATURES}-relu-dense10',
        'layers': layers,
        'inputShape': [64, 64, 3], 'inputRange': [-1, 1], 'numClasses': 10, 'featureDim': FEATURES,
        'classNames': classes,
        'training': {'framework': f'torch {torch.__version__}', 'seed': a.seed, 'epochs': a.epochs, 'steps': steps,
                     'batchSize': batch, 'optimizer': 'adam lr 2e-3, cosine to 0', 'augmentation': 'shift <= 2 px (white), horizontal flip',
                     'data': 'emoji:google and emoji:twitter, train split, 32 px', 'trainExamples': len(xtr), 'testExamples': len(xte),
                     'threads': a.threads, 'seconds': round(seconds, 1), 'trainAccuracy': train_acc,
                     'testAccuracyByStyle': {s: accuracy(model, *parts[f'{s}-test-64'][:2], model) for s in STYLES},
                     'command': f'/usr/bin/python3 examples/translation/train_emoji_classifier.py --seed {a.seed} --epochs {a.epochs}'},
        'testAccuracy': acc,
        'check': {'testStyles': check_styles, 'testIndices': check_indices,
                  'logits': check_logits.round(6).tolist(), 'features': check_features.round(6).tolist()},
        'weights': {k: {'shape': list(v.shape), 'data': b64(v)} for k, v in weights.items()},
    }
    with open(a.out, 'w') as f:
        json.dump(out, f)
    print(f'wrote {a.out} ({os.path.getsize(a.out)} bytes), test accuracy {acc:.4f} (train {train_acc:.4f}), {seconds:.0f}s training')


if __name__ == '__main__':
    main()
