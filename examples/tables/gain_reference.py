"""GAIN in PyTorch, written independently of gantry, as a check on gantry's GAIN numbers.

It follows the authors' published TensorFlow scripts step by step (github.com/jsyoon0823/GAIN: gain.py and
main_letter_spam.py at commit ed53e6d; GAIN_Letter.py / GAIN_Spam.py of commit 6f154cd for --holdout), so a
gap between gantry's RMSE and the paper's that this script shares is not a gantry defect. Nothing here is
tuned: the networks, losses, sampling, normalisation, rounding and scoring are the scripts'.

    /usr/bin/python3 examples/tables/gain_reference.py --dataset letter --seeds 10
    /usr/bin/python3 examples/tables/gain_reference.py --dataset letter --seeds 10 --holdout 0.2 --alpha 10 --iterations 5000

Each seed appends one JSON line to runs/tables/gain-reference.jsonl (the same fields as gain-benchmark.ts
writes, backend "pytorch-reference"); `gain-benchmark.ts --report` tabulates them in docs/tables.md.
"""
import argparse
import csv
import json
import os
import time

import numpy as np
import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
LABELS = {'letter': 'lettr', 'spam': 'type'}


def load_features(name):
    with open(os.path.join(REPO, '..', 'shared', 'datasets', name + '.csv'), newline='') as f:
        rows = list(csv.reader(f))
    keep = [i for i, col in enumerate(rows[0]) if col != LABELS[name]]
    return np.array([[float(r[i]) for i in keep] for r in rows[1:]])


def min_max(data):
    """Per-column min and range of the observed values, as the scripts' normalization() (range + 1e-6)."""
    lo = np.nanmin(data, axis=0)
    return lo, np.nanmax(data, axis=0) - lo + 1e-6


def xavier(fan_in, fan_out):
    # the scripts' xavier_init: normal, std = 1 / sqrt(fan_in / 2)
    return torch.nn.Parameter(torch.randn(fan_in, fan_out) / np.sqrt(fan_in / 2.0))


class ThreeLayers(torch.nn.Module):
    """[a | b] -> relu -> relu -> logits, all widths = dim, zero biases (both of GAIN's networks)."""

    def __init__(self, dim):
        super().__init__()
        self.w = torch.nn.ParameterList([xavier(2 * dim, dim), xavier(dim, dim), xavier(dim, dim)])
        self.b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(dim)) for _ in range(3)])

    def forward(self, a, b):
        h = torch.relu(torch.cat([a, b], 1) @ self.w[0] + self.b[0])
        h = torch.relu(h @ self.w[1] + self.b[1])
        return h @ self.w[2] + self.b[2]


def train_gain(x, m, rng, batch, hint_rate, alpha, iterations):
    """x: [0, 1]-scaled rows with 0 where missing, m: 1 = observed. Returns the trained generator."""
    no, dim = x.shape
    gen, disc = ThreeLayers(dim), ThreeLayers(dim)
    opt_g, opt_d = torch.optim.Adam(gen.parameters()), torch.optim.Adam(disc.parameters())
    for _ in range(iterations):
        idx = rng.permutation(no)[:batch]
        m_mb = torch.tensor(m[idx], dtype=torch.float32)
        z = torch.tensor(rng.uniform(0, 0.01, (batch, dim)), dtype=torch.float32)
        h = m_mb * torch.tensor(rng.uniform(0, 1, (batch, dim)) < hint_rate, dtype=torch.float32)
        x_mb = m_mb * torch.tensor(x[idx], dtype=torch.float32) + (1 - m_mb) * z

        d_prob = torch.sigmoid(disc(m_mb * x_mb + (1 - m_mb) * torch.sigmoid(gen(x_mb, m_mb)).detach(), h))
        d_loss = -torch.mean(m_mb * torch.log(d_prob + 1e-8) + (1 - m_mb) * torch.log(1 - d_prob + 1e-8))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_sample = torch.sigmoid(gen(x_mb, m_mb))
        d_prob = torch.sigmoid(disc(m_mb * x_mb + (1 - m_mb) * g_sample, h))
        g_adv = -torch.mean((1 - m_mb) * torch.log(d_prob + 1e-8))
        mse = torch.mean((m_mb * x_mb - m_mb * g_sample) ** 2) / torch.mean(m_mb)
        opt_g.zero_grad()
        (g_adv + alpha * mse).backward()
        opt_g.step()
    return gen


def impute(gen, x, m, rng):
    with torch.no_grad():
        z = rng.uniform(0, 0.01, x.shape)
        xin = torch.tensor(m * x + (1 - m) * z, dtype=torch.float32)
        g = torch.sigmoid(gen(xin, torch.tensor(m, dtype=torch.float32))).numpy().astype(np.float64)
    return m * x + (1 - m) * g


def rmse(truth, imputed, scored):
    return float(np.sqrt(np.sum(scored * (truth - imputed) ** 2) / np.sum(scored)))


def run_seed(name, data, seed, a):
    rng = np.random.RandomState(seed)
    torch.manual_seed(seed)
    no, dim = data.shape
    m = (rng.uniform(0, 1, data.shape) > 0.2).astype(np.float64)
    t_lo, t_span = min_max(data)
    truth = (data - t_lo) / t_span  # the complete data's scaling: the one every RMSE is read in
    missing = np.where(m == 1, data, np.nan)
    start = time.time()
    if a.holdout > 0:
        # 2019 scripts: scale on the complete data, train on a share of the rows, score the others, no rounding
        order = rng.permutation(no)
        n_train = int(no * (1 - a.holdout))
        train, test = order[:n_train], order[n_train:]
        gen = train_gain(truth[train] * m[train], m[train], rng, a.batch, a.hint_rate, a.alpha, a.iterations)
        imputed = truth.copy()
        imputed[test] = impute(gen, truth[test] * m[test], m[test], rng)
        scored = np.zeros_like(m)
        scored[test] = 1 - m[test]
    else:
        # current code: scale on the observed values, train and impute on every row, round columns with < 20
        # distinct observed values
        lo, span = min_max(missing)
        norm = np.nan_to_num((missing - lo) / span, nan=0.0)
        gen = train_gain(norm, m, rng, a.batch, a.hint_rate, a.alpha, a.iterations)
        filled = impute(gen, norm, m, rng) * span + lo
        for j in range(dim):
            if len(np.unique(missing[~np.isnan(missing[:, j]), j])) < 20:
                filled[:, j] = np.round(filled[:, j])
        imputed = (filled - t_lo) / t_span
        scored = 1 - m
    seconds = time.time() - start
    # the column-mean baseline on the same entries (the observed values' means over all rows)
    by_mean = (np.where(m == 1, data, np.nanmean(missing, axis=0)) - t_lo) / t_span
    return {
        'dataset': name, 'seed': seed, 'iterations': a.iterations, 'batchSize': a.batch, 'hint': 'code',
        'hintRate': a.hint_rate, 'alpha': a.alpha, 'learningRate': 0.001, 'backend': 'pytorch-reference',
        **({'holdout': a.holdout, 'rounding': 'none'} if a.holdout > 0 else {}),
        'gain': rmse(truth, imputed, scored), 'mean': rmse(truth, by_mean, scored), 'gainSeconds': seconds,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dataset', default='letter', choices=sorted(LABELS))
    p.add_argument('--seeds', type=int, default=10)
    p.add_argument('--first-seed', type=int, default=0)
    p.add_argument('--iterations', type=int, default=10000)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--hint-rate', type=float, default=0.9)
    p.add_argument('--alpha', type=float, default=100)
    p.add_argument('--holdout', type=float, default=0)
    p.add_argument('--out', default=os.path.join(REPO, 'runs', 'tables', 'gain-reference.jsonl'))
    a = p.parse_args()
    torch.set_num_threads(1)
    data = load_features(a.dataset)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        r = run_seed(a.dataset, data, seed, a)
        with open(a.out, 'a') as f:
            f.write(json.dumps(r) + '\n')
        print(f"{a.dataset} seed {seed}: GAIN (PyTorch reference) {r['gain']:.4f} ({r['gainSeconds']:.0f} s), "
              f"mean {r['mean']:.4f}", flush=True)


if __name__ == '__main__':
    main()
