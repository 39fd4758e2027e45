"""Issue 17's PyTorch twin of gantry's StyleGAN at the same CPU budget (docs/generation.md, "StyleGAN against a
PyTorch twin at the same budget"): bench/generation_peer.py's networks and training step (gantry's layer for layer),
built at the settings of examples/generation/compare-generators.ts --model stylegan: 32 px, latentDim 64, 8 mapping
layers, maxChannels 32, channelBase 512, AdaIN, batch 16, mixing 0.9, R1 gamma 1 every 16 steps (scaled by 16),
EMA decay 0.995, Adam(0.002, 0, 0.99) with tfjs's epsilon, non-saturating loss. Trains on the emoji:google 32 px
training split as gantry's loader writes it (export-emoji-train.ts) until this process has used the budget's CPU
seconds (time.process_time, one torch thread; the step in progress completes, as gantry's cpuBudget), counted, as
gantry's, from before the networks are built. Then writes `count` samples (z and noise from one fixed generator,
psi 1, clipped to [-1, 1], NHWC float32 .npy) of the averaged G and of the trained G, and the run's JSON line
(<out>/seed<S>.json), which score-twin.ts scores.

    /usr/bin/python3 examples/generation/reference/stylegan_twin.py --data runs/helperC/data --seed 0 \\
        --cpu-seconds 220 --out runs/helperC/twin

Initialisation follows gantry's, not PyTorch's defaults: G's equalised layers N(0, 1) (as the bench twin), D's
convolutions and hidden dense layer He-normal (tfjs: normal truncated at 2 sd, sd sqrt(2 / fan_in)), D's logit and
G's to-RGB Glorot-uniform, biases 0. The two frameworks draw different random numbers, so the runs are twins in
architecture and procedure, not in initial weights or batches.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench"))
from generation_peer import Mapping, Synthesis, channels_at, discriminator, training_step  # noqa: E402
from peer_common import Ema, check_parameters, tfjs_adam  # noqa: E402

BATCH, MIXING, R1_GAMMA, R1_EVERY, EMA_DECAY, LEARNING_RATE = 16, 0.9, 1.0, 16, 0.995, 0.002


def he_normal_(weight):
    """tfjs-layers' heNormal: a normal truncated at two standard deviations, sd sqrt(2 / fan_in)."""
    fan_in = weight[0].numel()
    sd = math.sqrt(2 / fan_in)
    nn.init.trunc_normal_(weight, 0.0, sd, -2 * sd, 2 * sd)


def initialise_like_gantry(synthesis, d):
    """D: He-normal kernels but for the logit (Glorot uniform), zero biases; G's to-RGB: Glorot uniform, zero bias."""
    layers = [m for m in d.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    for layer in layers:
        if layer is layers[-1]:
            nn.init.xavier_uniform_(layer.weight)
        else:
            he_normal_(layer.weight)
        nn.init.zeros_(layer.bias)
    nn.init.xavier_uniform_(synthesis.to_rgb.weight)
    nn.init.zeros_(synthesis.to_rgb.bias)


def load_images(data_dir):
    with open(os.path.join(data_dir, "index.json")) as f:
        index = json.load(f)
    n, h, w, c = index["shape"]
    values = np.fromfile(os.path.join(data_dir, index["file"]), dtype="<f4")
    if values.size != n * h * w * c:
        raise ValueError(f"{index['file']}: {values.size} floats, expected {n * h * w * c}")
    return torch.from_numpy(values.reshape(n, h, w, c)).permute(0, 3, 1, 2).contiguous(), index


@torch.no_grad()
def draw(mapping, synthesis, z, noises, rows):
    w = mapping(z)
    images = synthesis(w[:, None].expand(-1, rows, -1), noises).clamp(-1, 1)
    return images.permute(0, 2, 3, 1).contiguous().numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="export-emoji-train.ts's folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=float, default=220.0)
    parser.add_argument("--steps", type=int, default=0,
                        help="stop after this many steps instead of the CPU budget (0: the budget), to compare at equal steps")
    parser.add_argument("--count", type=int, default=371, help="samples per generator (the test split's size)")
    parser.add_argument("--sample-seed", type=int, default=1000, help="seeds the samples' z and noise")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    images, index = load_images(args.data)
    settings = index["networks"]
    side, latent = settings["resolution"], settings["latentDim"]
    if settings["mode"] != "adain":
        raise ValueError(f"the twin builds AdaIN StyleGAN, not {settings['mode']}")
    sizes = [4 * 2 ** i for i in range(int(math.log2(side // 4)) + 1)]

    def channels(size):
        return channels_at(size, settings["maxChannels"], settings["channelBase"])

    cpu_from, wall_from = time.process_time(), time.perf_counter()
    mapping, synthesis = Mapping(latent, settings["mappingDepth"]), Synthesis(sizes, channels, latent)
    d = discriminator(side, channels)
    expected = index["parameters"]
    check_parameters(f"stylegan{side}", [mapping, synthesis], [d], (expected["generator"], expected["discriminator"]))
    initialise_like_gantry(synthesis, d)
    g_opt = tfjs_adam([mapping, synthesis], LEARNING_RATE, (0.0, 0.99))
    d_opt = tfjs_adam([d], LEARNING_RATE, (0.0, 0.99))
    ema = Ema([mapping, synthesis], EMA_DECAY)
    count = images.shape[0]
    step = training_step(mapping, synthesis, d, g_opt, d_opt, ema, lambda: images[torch.randperm(count)[:BATCH]],
                         batch=BATCH, sizes=sizes, latent=latent, mixing=MIXING, r1_gamma=R1_GAMMA, r1_every=R1_EVERY)
    steps, loss = 0, float("nan")
    while True:
        loss = step()
        steps += 1
        if not math.isfinite(loss):
            raise FloatingPointError(f"G's loss is {loss} at step {steps}")
        if steps % 200 == 0:
            print(f"step {steps}: G loss {loss:.3f}, {time.process_time() - cpu_from:.0f} CPU s", file=sys.stderr, flush=True)
        if (steps >= args.steps) if args.steps > 0 else (time.process_time() - cpu_from > args.cpu_seconds):
            break
    train_cpu, train_wall = time.process_time() - cpu_from, time.perf_counter() - wall_from

    sampler = torch.Generator().manual_seed(args.sample_seed)
    z = torch.randn(args.count, latent, generator=sampler)
    noises = [torch.randn(args.count, 2, s, s, generator=sampler) for s in sizes]
    (ema_mapping, ema_synthesis) = (shadow for _, shadow in ema.pairs)
    for net in (mapping, synthesis, ema_mapping, ema_synthesis):
        net.eval()
    os.makedirs(args.out, exist_ok=True)
    files = {}
    for generator, (m, s) in {"EMA": (ema_mapping, ema_synthesis), "no EMA": (mapping, synthesis)}.items():
        name = f"seed{args.seed}-{'ema' if generator == 'EMA' else 'trained'}.npy"
        np.save(os.path.join(args.out, name), draw(m, s, z, noises, 2 * len(sizes)).astype(np.float32))
        files[generator] = name
    record = json.dumps({
        "seed": args.seed, "steps": steps, "trainCpuSeconds": round(train_cpu, 1), "trainWallSeconds": round(train_wall, 1),
        "lastGLoss": round(loss, 4), "samples": args.count, "sampleSeed": args.sample_seed, "files": files,
        "threads": torch.get_num_threads(), "torch": torch.__version__, "parameters": expected,
    })
    with open(os.path.join(args.out, f"seed{args.seed}.json"), "w") as f:
        f.write(record + "\n")
    print(record)


if __name__ == "__main__":
    main()
