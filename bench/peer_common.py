"""What the PyTorch twins of the trainer workloads share: tfjs's Adam, freezing a player, leaky ReLU 0.2,
the loop's EMA of G, and the parameter count each twin asserts and prints."""
import copy

import torch
import torch.nn.functional as F


def tfjs_adam(nets, lr, betas):
    """torch.optim.Adam with tfjs's epsilon (1e-7), as @gantry/core's adam()."""
    return torch.optim.Adam([p for n in nets for p in n.parameters()], lr=lr, betas=betas, eps=1e-7)


def set_requires_grad(nets, flag):
    for net in nets:
        for p in net.parameters():
            p.requires_grad = flag


def lrelu(x):
    return F.leaky_relu(x, 0.2)


def parameter_count(nets):
    """Trained parameters of a network, or of a player made of several (StyleGAN's mapping and synthesis)."""
    return sum(p.numel() for n in (nets if isinstance(nets, list) else [nets]) for p in n.parameters() if p.requires_grad)


def check_parameters(name, generator, discriminator, expected):
    """The twin must hold as many trained parameters as the gantry workload (bench/*-workloads.ts)."""
    counts = (parameter_count(generator), parameter_count(discriminator))
    if counts != expected:
        raise AssertionError(f"{name}: the twin has G {counts[0]} and D {counts[1]} parameters, the gantry workload {expected[0]} and {expected[1]}")


class Ema:
    """The training loop's EMA (packages/core/src/train/ema.ts): parameters averaged, buffers copied."""

    def __init__(self, nets, decay):
        self.pairs = [(net, copy.deepcopy(net)) for net in nets]
        self.decay = decay

    @torch.no_grad()
    def update(self):
        for net, shadow in self.pairs:
            for p, s in zip(net.parameters(), shadow.parameters()):
                s.mul_(self.decay).add_(p, alpha=1 - self.decay)
            for b, s in zip(net.buffers(), shadow.buffers()):
                s.copy_(b)
