"""PyTorch twin of bench/generation-workloads.ts (stylegan64): gantry's StyleGAN networks
(packages/core/src/gans/stylegan/layers.ts, networks.ts) layer for layer in NCHW, and its trainer's step
(trainer.ts) with the defaults of `gantry train --model stylegan` at 64 px. Imported by bench/torch_peer.py.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import Ema, check_parameters, lrelu, set_requires_grad, tfjs_adam

SIDE, LATENT, MAPPING_DEPTH, BATCH, IMAGES = 64, 64, 8, 16, 256
MIXING, R1_GAMMA, R1_EVERY, EMA_DECAY, W_AVERAGE_DECAY = 0.9, 10.0, 16, 0.999, 0.995
SIZES = [4, 8, 16, 32, 64]
ROWS = 2 * len(SIZES)
# G = mapping + synthesis, D: as bench/generation-workloads.ts builds them
PARAMETERS = (353459, 285649)


def channels_at(size):
    return min(64, 1024 // size)


# StyleGAN's activation: leaky ReLU 0.2 with gain sqrt(2)
LRELU_GAIN = math.sqrt(2)


class EqualDense(nn.Module):
    """Dense with the equalised learning rate: N(0, 1 / lr_mul) weights scaled by lr_mul / sqrt(fan_in) at each call,
    then leaky ReLU times activation_gain; input_gain is the gain the layer before left out, taken into the weight scale."""

    def __init__(self, fan_in, units, lr_mul, activation_gain, input_gain):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fan_in, units) / lr_mul)
        self.bias = nn.Parameter(torch.zeros(units))
        self.lr_mul, self.scale = lr_mul, input_gain * lr_mul / math.sqrt(fan_in)
        self.activation_gain = activation_gain

    def forward(self, x):
        y = lrelu(torch.addmm(self.bias * self.lr_mul, x, self.weight * self.scale))
        return y if self.activation_gain == 1 else y * self.activation_gain


class Mapping(nn.Module):
    def __init__(self):
        super().__init__()
        # as gantry's: lrelu's gain of every layer but the last rides in the next layer's weight scale
        self.layers = nn.Sequential(*[
            EqualDense(LATENT, LATENT, 0.01, LRELU_GAIN if i == MAPPING_DEPTH - 1 else 1, LRELU_GAIN if i > 0 else 1)
            for i in range(MAPPING_DEPTH)])
        self.register_buffer("w_avg", torch.zeros(LATENT))

    def forward(self, z):
        return self.layers(z * torch.rsqrt(z.pow(2).mean(-1, keepdim=True) + 1e-8))


class StyleConv(nn.Module):
    """AdaIN synthesis layer: sqrt(2) lrelu(conv(x) + b + B * noise), instance-normalised, * (1 + ys(w)) + yb(w)."""

    def __init__(self, cin, filters, style_index, noise_channel, upsample):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(filters, cin, 3, 3))
        self.bias = nn.Parameter(torch.zeros(filters))
        self.style_weight = nn.Parameter(torch.randn(LATENT, 2 * filters))
        self.style_bias = nn.Parameter(torch.zeros(2 * filters))
        self.noise_strength = nn.Parameter(torch.zeros(filters))
        self.style_index, self.noise_channel, self.upsample = style_index, noise_channel, upsample
        self.weight_scale = 1 / math.sqrt(9 * cin)

    def forward(self, x, styles, noise):
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        style = torch.addmm(self.style_bias, styles[:, self.style_index], self.style_weight / math.sqrt(LATENT))
        y = F.conv2d(x, self.weight * self.weight_scale, self.bias, padding=1)
        # as gantry's: no lrelu gain (instance norm cancels it, but for its epsilon, divided by the gain squared),
        # and 1 / std times the style's scale taken per channel before the one full-size product
        y = lrelu(y + noise[:, self.noise_channel:self.noise_channel + 1] * self.noise_strength[:, None, None])
        centred = y - y.mean((2, 3), keepdim=True)
        scale, shift = style.chunk(2, 1)
        factor = torch.rsqrt(centred.pow(2).mean((2, 3), keepdim=True) + 1e-8 / LRELU_GAIN ** 2) * (scale + 1)[:, :, None, None]
        return centred * factor + shift[:, :, None, None]


class Synthesis(nn.Module):
    def __init__(self):
        super().__init__()
        self.constant = nn.Parameter(torch.randn(1, channels_at(4), 4, 4))
        layers, cin = [], channels_at(4)
        for i, size in enumerate(SIZES):
            for half in (0, 1):
                layers.append(StyleConv(cin, channels_at(size), 2 * i + half, half, i > 0 and half == 0))
                cin = channels_at(size)
        self.layers = nn.ModuleList(layers)
        self.to_rgb = nn.Conv2d(cin, 3, 1)

    def forward(self, styles, noises):
        x = self.constant.expand(styles.shape[0], -1, -1, -1)
        for k, layer in enumerate(self.layers):
            x = layer(x, styles, noises[k // 2])
        return self.to_rgb(x)


class MinibatchStdDev(nn.Module):
    """One channel more: the mean over features of the std within groups of 4 (sample i in group i mod n/4)."""

    def forward(self, x):
        n, c, h, w = x.shape
        g = min(4, n)
        grouped = x.reshape(g, n // g, c, h, w)
        std = torch.sqrt((grouped - grouped.mean(0, keepdim=True)).pow(2).mean(0) + 1e-8)
        per_group = std.mean((1, 2, 3))
        return torch.cat([x, per_group.repeat(g).reshape(n, 1, 1, 1).expand(n, 1, h, w)], 1)


def discriminator():
    layers = [nn.Conv2d(3, channels_at(SIDE), 1), nn.LeakyReLU(0.2)]
    size = SIDE
    while size > 4:
        layers += [nn.Conv2d(channels_at(size), channels_at(size), 3, padding=1), nn.LeakyReLU(0.2),
                   nn.Conv2d(channels_at(size), channels_at(size // 2), 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2)]
        size //= 2
    return nn.Sequential(*layers, MinibatchStdDev(), nn.Conv2d(channels_at(4) + 1, channels_at(4), 3, padding=1), nn.LeakyReLU(0.2),
                         nn.Flatten(), nn.Linear(16 * channels_at(4), channels_at(4)), nn.LeakyReLU(0.2), nn.Linear(channels_at(4), 1))


def stylegan64():
    mapping, synthesis, d = Mapping(), Synthesis(), discriminator()
    check_parameters("stylegan64", [mapping, synthesis], [d], PARAMETERS)
    g_opt, d_opt = tfjs_adam([mapping, synthesis], 0.002, (0.0, 0.99)), tfjs_adam([d], 0.002, (0.0, 0.99))
    ema = Ema([mapping, synthesis], EMA_DECAY)
    images = torch.rand(IMAGES, 3, SIDE, SIDE) * 2 - 1
    taken = [0]

    def fake_batch(n):
        w = mapping(torch.randn(n, LATENT))
        if random.random() < MIXING:
            crossover = 1 + random.randrange(ROWS - 1)
            fine = mapping(torch.randn(n, LATENT))
            styles = torch.cat([w[:, None].expand(n, crossover, LATENT), fine[:, None].expand(n, ROWS - crossover, LATENT)], 1)
        else:
            styles = w[:, None].expand(n, ROWS, LATENT)
        return synthesis(styles, [torch.randn(n, 2, s, s) for s in SIZES]), w

    def step():
        taken[0] += 1
        real = images[torch.randperm(IMAGES)[:BATCH]]
        with torch.no_grad():
            fake, _ = fake_batch(BATCH)
        set_requires_grad([d], True)
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
        if taken[0] % R1_EVERY == 0:
            # gantry's r1Penalty: its own forward pass on the real batch, differentiated twice
            x = real.detach().requires_grad_(True)
            grad, = torch.autograd.grad(d(x).sum(), x, create_graph=True)
            d_loss = d_loss + R1_GAMMA * R1_EVERY / 2 * grad.pow(2).sum((1, 2, 3)).mean()
        d_loss.backward()
        d_loss.item()
        d_opt.step()
        set_requires_grad([d], False)
        g_opt.zero_grad(set_to_none=True)
        images_g, w = fake_batch(BATCH)
        g_loss = F.softplus(-d(images_g)).mean()
        g_loss.backward()
        loss = g_loss.item()
        g_opt.step()
        with torch.no_grad():
            batch_mean = w.mean(0)
            mapping.w_avg.copy_(batch_mean + (mapping.w_avg - batch_mean) * W_AVERAGE_DECAY)
        ema.update()
        return loss

    return step, [mapping, synthesis], [d]
