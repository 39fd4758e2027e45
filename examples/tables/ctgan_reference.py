"""CTGAN in PyTorch, written independently of gantry, as the peer for gantry's CTGAN-style synthesizer.

It follows the authors' published code step by step (github.com/sdv-dev/CTGAN at commit f4fcd21:
ctgan/synthesizers/ctgan.py, ctgan/data_sampler.py, ctgan/data_transformer.py and the rdt
ClusterBasedNormalizer / OneHotEncoder it calls), with its defaults: a Bayesian GMM per numeric column
(10 components, Dirichlet-process prior 0.001, components under weight 0.005 dropped; value ->
(x - mu_k) / (4 sigma_k) clipped to +-0.99 and a one-hot of k drawn from the posterior), one-hot
categories, the conditional vector with training-by-sampling (log frequencies), the residual generator
(256, 256) with batch norm, the PacGAN critic (256, 256, pac 10, dropout 0.5), WGAN-GP (10), Gumbel softmax
(tau 0.2), the conditional cross-entropy, Adam(2e-4, 0.5, 0.9, weight decay 1e-6), batch 500, 300 epochs.
Nothing is tuned. pandas and rdt are not installed here, so their few steps are written out with numpy.

    /usr/bin/python3 examples/tables/ctgan_reference.py train.csv synthetic.csv --discrete lettr --seed 0 \
        [--epochs 300] [--rows N] [--condition-column lettr --condition-value Z --condition-rows 500 --condition-out c.csv]

Reads a CSV with a header (the discrete columns' values are strings, the rest numbers), writes the same
columns. `examples/tables/synth-benchmark.ts --synthesizer ctgan-pytorch` runs it on its train split.
"""
import argparse
import csv
import sys
import time

import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture
from torch import nn
from torch.nn import functional


class Column:
    """One column's transform: 'continuous' (mode-specific normalisation) or 'discrete' (one-hot)."""

    def __init__(self, name, kind, values, seed, max_clusters=10, weight_threshold=0.005):
        self.name, self.kind = name, kind
        if kind == 'discrete':
            self.categories = sorted(set(values))
            self.index = {c: i for i, c in enumerate(self.categories)}
            self.spans = [(len(self.categories), 'softmax')]
            return
        x = np.asarray(values, dtype=float)
        self.integer = bool(np.all(x == np.round(x)))
        self.bgm = BayesianGaussianMixture(
            n_components=min(len(x), max_clusters), weight_concentration_prior_type='dirichlet_process',
            weight_concentration_prior=0.001, n_init=1, random_state=seed)
        self.bgm.fit(x.reshape(-1, 1))
        self.valid = self.bgm.weights_ > weight_threshold
        self.means = self.bgm.means_.reshape(-1)[self.valid]
        self.stds = np.sqrt(self.bgm.covariances_.reshape(-1))[self.valid]
        self.spans = [(1, 'tanh'), (int(self.valid.sum()), 'softmax')]

    @property
    def dim(self):
        return sum(d for d, _ in self.spans)

    def transform(self, values, rng):
        if self.kind == 'discrete':
            out = np.zeros((len(values), self.dim))
            out[np.arange(len(values)), [self.index[v] for v in values]] = 1
            return out
        x = np.asarray(values, dtype=float).reshape(-1, 1)
        normalized = (x - self.means) / (4 * self.stds)
        probs = self.bgm.predict_proba(x)[:, self.valid] + 1e-6
        probs = probs / probs.sum(axis=1, keepdims=True)
        # a component per row drawn from its posterior (rdt), vectorised: first cumulative probability above u
        chosen = (probs.cumsum(axis=1) > rng.random((len(x), 1))).argmax(axis=1)
        out = np.zeros((len(x), self.dim))
        out[:, 0] = np.clip(normalized[np.arange(len(x)), chosen], -0.99, 0.99)
        out[np.arange(len(x)), 1 + chosen] = 1
        return out

    def inverse(self, block):
        if self.kind == 'discrete':
            return [self.categories[i] for i in block.argmax(axis=1)]
        k = block[:, 1:].argmax(axis=1)
        x = np.clip(block[:, 0], -1, 1) * 4 * self.stds[k] + self.means[k]
        return np.round(x).astype(int).tolist() if self.integer else x.tolist()


class Sampler:
    """ctgan/data_sampler.py: the conditional vector and training-by-sampling."""

    def __init__(self, data, columns, rng):
        self.rng = rng
        self.discrete = []  # (start in data, start in cond, categories, row ids by category, log-frequency probs)
        st, cond_st = 0, 0
        for c in columns:
            if c.kind == 'discrete':
                d = c.dim
                rows = [np.nonzero(data[:, st + j])[0] for j in range(d)]
                freq = np.log(data[:, st:st + d].sum(axis=0) + 1)
                self.discrete.append((st, cond_st, d, rows, freq / freq.sum()))
                cond_st += d
            st += c.dim
        self.n_categories = cond_st

    def condvec(self, batch):
        if not self.discrete:
            return None
        col = self.rng.integers(0, len(self.discrete), batch)
        cond = np.zeros((batch, self.n_categories), dtype='float32')
        mask = np.zeros((batch, len(self.discrete)), dtype='float32')
        mask[np.arange(batch), col] = 1
        opt = np.array([(np.cumsum(self.discrete[c][4]) > self.rng.random()).argmax() for c in col])
        cond[np.arange(batch), [self.discrete[c][1] for c in col] + opt] = 1
        return cond, mask, col, opt

    def original_condvec(self, batch):
        probs = np.concatenate([d[4] for d in self.discrete])
        probs = probs / probs.sum()
        cond = np.zeros((batch, self.n_categories), dtype='float32')
        cond[np.arange(batch), self.rng.choice(len(probs), batch, p=probs)] = 1
        return cond

    def rows(self, col, opt):
        return np.array([self.rng.choice(self.discrete[c][3][o]) for c, o in zip(col, opt)])


class Residual(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.fc, self.bn = nn.Linear(i, o), nn.BatchNorm1d(o)

    def forward(self, x):
        return torch.cat([torch.relu(self.bn(self.fc(x))), x], dim=1)


def generator(in_dim, dims, out_dim):
    layers, d = [], in_dim
    for h in dims:
        layers.append(Residual(d, h))
        d += h
    return nn.Sequential(*layers, nn.Linear(d, out_dim))


class Critic(nn.Module):
    def __init__(self, in_dim, dims, pac):
        super().__init__()
        self.pac, layers, d = pac, [], in_dim * pac
        for h in dims:
            layers += [nn.Linear(d, h), nn.LeakyReLU(0.2), nn.Dropout(0.5)]
            d = h
        self.seq = nn.Sequential(*layers, nn.Linear(d, 1))

    def forward(self, x):
        return self.seq(x.view(-1, self.pac * x.size(1)))

    def gradient_penalty(self, real, fake, weight=10.0):
        alpha = torch.rand(real.size(0) // self.pac, 1, 1).repeat(1, self.pac, real.size(1)).view(-1, real.size(1))
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        grads = torch.autograd.grad(self(mixed), mixed, torch.ones(real.size(0) // self.pac, 1), create_graph=True)[0]
        return ((grads.view(-1, self.pac * real.size(1)).norm(2, dim=1) - 1) ** 2).mean() * weight


def activate(raw, columns):
    out, st = [], 0
    for c in columns:
        for d, fn in c.spans:
            part = raw[:, st:st + d]
            out.append(torch.tanh(part) if fn == 'tanh' else functional.gumbel_softmax(part, tau=0.2))
            st += d
    return torch.cat(out, dim=1)


def cond_loss(raw, cond, mask, columns):
    losses, st, st_c = [], 0, 0
    for c in columns:
        if c.kind != 'discrete':
            st += c.dim
            continue
        losses.append(functional.cross_entropy(raw[:, st:st + c.dim], cond[:, st_c:st_c + c.dim].argmax(dim=1), reduction='none'))
        st, st_c = st + c.dim, st_c + c.dim
    return (torch.stack(losses, dim=1) * mask).sum() / raw.size(0)


def fit(header, rows, discrete, seed, epochs, batch=500, embedding=128, dims=(256, 256), pac=10, log=sys.stderr):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    columns = [Column(n, 'discrete' if n in discrete else 'continuous', [r[i] for r in rows], seed) for i, n in enumerate(header)]
    data = np.concatenate([c.transform([r[i] for r in rows], rng) for i, c in enumerate(columns)], axis=1).astype('float32')
    sampler = Sampler(data, columns, rng)
    g = generator(embedding + sampler.n_categories, dims, data.shape[1])
    d = Critic(data.shape[1] + sampler.n_categories, dims, pac)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.9), weight_decay=1e-6)
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.9), weight_decay=1e-6)
    steps = max(len(data) // batch, 1)
    started = time.time()
    for epoch in range(epochs):
        for _ in range(steps):
            # the critic (discriminator_steps 1)
            cond, mask, col, opt = sampler.condvec(batch)
            c1 = torch.from_numpy(cond)
            perm = rng.permutation(batch)
            real = torch.from_numpy(data[sampler.rows(col[perm], opt[perm])])
            fake = activate(g(torch.cat([torch.randn(batch, embedding), c1], dim=1)), columns)
            fake_cat, real_cat = torch.cat([fake, c1], dim=1), torch.cat([real, c1[perm]], dim=1)
            y_fake = d(fake_cat)
            loss_d = -(d(real_cat).mean() - y_fake.mean())
            pen = d.gradient_penalty(real_cat, fake_cat)
            opt_d.zero_grad()
            pen.backward(retain_graph=True)
            loss_d.backward()
            opt_d.step()
            # the generator
            cond, mask, _, _ = sampler.condvec(batch)
            c1, m1 = torch.from_numpy(cond), torch.from_numpy(mask)
            raw = g(torch.cat([torch.randn(batch, embedding), c1], dim=1))
            loss_g = -d(torch.cat([activate(raw, columns), c1], dim=1)).mean() + cond_loss(raw, c1, m1, columns)
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
        if (epoch + 1) % max(1, epochs // 10) == 0:
            print(f'epoch {epoch + 1}/{epochs}: critic {loss_d.item():.3f} gp {pen.item():.3f} G {loss_g.item():.3f} ({time.time() - started:.0f} s)', file=log)
    return g, columns, sampler, embedding, batch


def sample(model, n, condition=None):
    g, columns, sampler, embedding, batch = model
    # the authors' sample() leaves G in training mode: batch norm uses each batch's statistics
    blocks = []
    with torch.no_grad():
        for _ in range(n // batch + 1):
            if condition is None:
                cond = sampler.original_condvec(batch)
            else:
                cond = np.zeros((batch, sampler.n_categories), dtype='float32')
                cond[:, condition] = 1
            raw = g(torch.cat([torch.randn(batch, embedding), torch.from_numpy(cond)], dim=1))
            blocks.append(activate(raw, columns).numpy())
    data = np.concatenate(blocks)[:n]
    out, st = [], 0
    for c in columns:
        out.append(c.inverse(data[:, st:st + c.dim]))
        st += c.dim
    return list(zip(*out))


def write(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('train')
    p.add_argument('out')
    p.add_argument('--discrete', default='')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--epochs', type=int, default=300)
    p.add_argument('--rows', type=int)
    p.add_argument('--sample-seed', type=int)
    p.add_argument('--condition-column')
    p.add_argument('--condition-value')
    p.add_argument('--condition-rows', type=int, default=500)
    p.add_argument('--condition-out')
    a = p.parse_args()
    torch.set_num_threads(1)
    # rdt fits the same mixture with the same 100 iterations; sklearn's non-convergence notes are noise here
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    discrete = set(filter(None, a.discrete.split(',')))
    with open(a.train, newline='') as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    for name in discrete - set(header):
        sys.exit(f'{a.train}: no column {name}')
    rows = [[v if header[i] in discrete else float(v) for i, v in enumerate(r)] for r in body]
    t0, c0 = time.time(), time.process_time()
    model = fit(header, rows, discrete, a.seed, a.epochs)
    print(f'fit: {time.time() - t0:.0f} s wall, {time.process_time() - c0:.0f} s CPU', file=sys.stderr)
    torch.manual_seed(a.sample_seed if a.sample_seed is not None else 5000 + a.seed)
    write(a.out, header, sample(model, a.rows or len(rows)))
    if a.condition_column:
        column = next(c for c in model[1] if c.name == a.condition_column)
        offset = sum(c.dim for c in model[1][:model[1].index(column)] if c.kind == 'discrete')
        write(a.condition_out, header, sample(model, a.condition_rows, offset + column.index[a.condition_value]))


if __name__ == '__main__':
    main()
