"""PyTorch (eager, CPU) peers of bench/workloads.ts: same architectures, batch sizes, losses and
optimizers. Prints one JSON line in the BenchResult shape of bench/stats.ts.

    /usr/bin/python3 bench/torch_peer.py --workload dcgan28 --steps 20 --warmup 3 --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from generation_peer import stylegan64
from peer_common import parameter_count
from sequence_peer import gantts, video
from translation_peer import cyclegan64, pix2pix64

WORKLOADS = ("mlp2d", "dcgan28", "wgangp28", "gain16", "pix2pix64", "cyclegan64", "stylegan64", "gantts", "video")


def bce_with_logits(logits, label):
    # -log(sigmoid(l)) = softplus(-l);  -log(1 - sigmoid(l)) = softplus(l)
    return F.softplus(-logits if label == 1 else logits).mean()


def mlp2d():
    batch = 256
    g = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    d = nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
    g_opt = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    return standard_gan_step(g, d, g_opt, d_opt, lambda: torch.randn(batch, 2), lambda: torch.randn(batch, 16)), g, d


def image_generator():
    # 'same' padding in tfjs for k4 s2 is 1 on each side: 7 -> 14 -> 28.
    return nn.Sequential(
        nn.Linear(100, 7 * 7 * 128, bias=False), nn.BatchNorm1d(7 * 7 * 128, eps=1e-3, momentum=0.01), nn.LeakyReLU(0.2),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, padding=1, bias=False), nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(64, 1, 4, 2, padding=1), nn.Tanh(),
    )


def image_discriminator():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, padding=1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(6272, 1),
    )


def standard_gan_step(g, d, g_opt, d_opt, sample_real, sample_z):
    def step():
        real, z1, z2 = sample_real(), sample_z(), sample_z()
        d_opt.zero_grad(set_to_none=True)
        fake = g(z1).detach()
        d_loss = bce_with_logits(d(real), 1) + bce_with_logits(d(fake), 0)
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        g_loss = bce_with_logits(d(g(z2)), 1)
        g_loss.backward()
        g_opt.step()
        return g_loss.item()
    return step


def dcgan28():
    batch = 64
    g, d = image_generator(), image_discriminator()
    g_opt = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    step = standard_gan_step(g, d, g_opt, d_opt,
                             lambda: torch.rand(batch, 1, 28, 28) * 2 - 1, lambda: torch.randn(batch, 100))
    return step, g, d


def wgangp28():
    batch, critic_steps, lam = 64, 5, 10.0
    g, d = image_generator(), image_discriminator()
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9))
    d_opt = torch.optim.Adam(d.parameters(), lr=1e-4, betas=(0.0, 0.9))

    def step():
        for _ in range(critic_steps):
            real = torch.rand(batch, 1, 28, 28) * 2 - 1
            z = torch.randn(batch, 100)
            eps = torch.rand(batch, 1, 1, 1)
            d_opt.zero_grad(set_to_none=True)
            # Like the tfjs step, the generator's forward pass is recomputed but not differentiated.
            with torch.no_grad():
                fake = g(z)
            x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
            grad, = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
            norm = torch.sqrt(grad.pow(2).sum(dim=(1, 2, 3)) + 1e-12)
            penalty = (norm - 1).pow(2).mean()
            loss = d(fake).mean() - d(real).mean() + lam * penalty
            loss.backward()
            d_opt.step()
            loss.item()
        g_opt.zero_grad(set_to_none=True)
        g_loss = -d(g(torch.randn(batch, 100))).mean()
        g_loss.backward()
        g_opt.step()
        return g_loss.item()
    return step, g, d


def load_letter_features(repo_root):
    path = os.path.join(repo_root, "..", "shared", "datasets", "letter.csv")
    values = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, 17), dtype=np.float32)
    lo, hi = values.min(axis=0), values.max(axis=0)
    return torch.from_numpy((values - lo) / (hi - lo + 1e-6))


def gain16(repo_root):
    batch, hint_rate, alpha, missing_rate, cols = 128, 0.9, 100.0, 0.2, 16
    data = load_letter_features(repo_root)

    def mlp():
        return nn.Sequential(nn.Linear(2 * cols, cols), nn.ReLU(), nn.Linear(cols, cols), nn.ReLU(),
                             nn.Linear(cols, cols), nn.Sigmoid())
    g, d = mlp(), mlp()
    # tfjs's tf.train.adam() defaults: lr 0.001, betas (0.9, 0.999), epsilon 1e-7.
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-3, eps=1e-7)
    d_opt = torch.optim.Adam(d.parameters(), lr=1e-3, eps=1e-7)

    def log_eps(t):
        return torch.log(t + 1e-8)

    def step():
        idx = torch.randint(0, data.shape[0], (batch,))
        x = data[idx]
        m = (torch.rand(batch, cols) > missing_rate).float()
        z = torch.rand(batch, cols) * 0.01
        h = m * (torch.rand(batch, cols) < hint_rate).float()
        x_tilde = m * x + (1 - m) * z

        def impute():
            g_sample = g(torch.cat([x_tilde, m], 1))
            return g_sample, m * x_tilde + (1 - m) * g_sample
        d_opt.zero_grad(set_to_none=True)
        _, x_hat = impute()
        d_prob = d(torch.cat([x_hat.detach(), h], 1))
        d_loss = -(m * log_eps(d_prob) + (1 - m) * log_eps(1 - d_prob)).mean()
        d_loss.backward()
        d_opt.step()
        d_loss.item()
        g_opt.zero_grad(set_to_none=True)
        g_sample, x_hat = impute()
        d_prob = d(torch.cat([x_hat, h], 1))
        adversarial = -((1 - m) * log_eps(d_prob)).mean()
        reconstruction = ((m * x - m * g_sample) ** 2).mean() / m.mean()
        g_loss = adversarial + alpha * reconstruction
        g_loss.backward()
        g_opt.step()
        return g_loss.item()
    return step, g, d


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", choices=WORKLOADS + ("all",), required=True, help="'all' only with --describe")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3, help="at least this many warm-up steps")
    parser.add_argument("--warmup-seconds", type=float, default=5.0, help="and at least this long (as bench/worker.ts)")
    parser.add_argument("--min-seconds", type=float, default=2.0, help="time at least --steps steps and this long")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--describe", action="store_true", help="print parameter counts and exit")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    repo_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    builders = {"mlp2d": mlp2d, "dcgan28": dcgan28, "wgangp28": wgangp28, "gain16": lambda: gain16(repo_root),
                "pix2pix64": pix2pix64, "cyclegan64": cyclegan64, "stylegan64": stylegan64, "gantts": gantts, "video": video}
    if args.describe:
        counts = {}
        for name in (WORKLOADS if args.workload == "all" else (args.workload,)):
            _, g, d = builders[name]()
            counts[name] = {"generator": parameter_count(g), "discriminator": parameter_count(d)}
        print(json.dumps(counts))
        return 0
    if args.workload == "all":
        parser.error("--workload all needs --describe")
    step, g, d = builders[args.workload]()
    parameters = {"generator": parameter_count(g), "discriminator": parameter_count(d)}
    started = time.perf_counter()

    def over_budget():
        return time.perf_counter() - started > args.budget

    loss = float("nan")
    warmed = 0
    while (warmed < args.warmup or time.perf_counter() - started < args.warmup_seconds) and not over_budget():
        loss = step()
        warmed += 1
    times = []
    cpu_times = []
    timing_started = time.perf_counter()
    while len(times) < args.steps or time.perf_counter() - timing_started < args.min_seconds:
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        loss = step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - cpu0) * 1000)
        if over_budget():
            break
    print(json.dumps({
        "workload": args.workload, "backend": "pytorch", "threads": torch.get_num_threads(), "status": "ok",
        "msPerStep": statistics.median(times), "cpuMsPerStep": statistics.median(cpu_times), "steps": len(times), "lastLoss": loss,
        "version": torch.__version__, "parameters": parameters,
    }))


if __name__ == "__main__":
    sys.exit(main())
