"""PyTorch twin of bench/generation-workloads.ts (stylegan64): gantry's StyleGAN networks
(packages/core/src/gans/stylegan/layers.ts, networks.ts) layer for layer in NCHW, and its trainer's step
(trainer.ts) with the defaults of `gantry train --model stylegan` at 64 px. Imported by bench/torch_peer.py.
The networks and the step take the resolution, widths and training settings as arguments (defaults: the
bench's); examples/generation/reference/stylegan_twin.py trains them at 32 px for issue 17's comparison.
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
# G = mapping + synthesis, D: as bench/generation-workloads.ts builds them
PARAMETERS = (353459, 285649)


def channels_at(size, max_channels=64, channel_base=1024):
    """Channels at resolution `size`, as gantry's channelsAt: min(maxChannels, channelBase / size), at least 1."""
    return max(1, min(max_channels, channel_base // size))


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
    def __init__(self, latent=LATENT, depth=MAPPING_DEPTH):
        super().__init__()
        # as gantry's: lrelu's gain of every layer but the last rides in the next layer's weight scale
        self.layers = nn.Sequential(*[
            EqualDense(latent, latent, 0.01, LRELU_GAIN if i == depth - 1 else 1, LRELU_GAIN if i > 0 else 1)
            for i in range(depth)])
        self.register_buffer("w_avg", torch.zeros(latent))

    def forward(self, z):
        return self.layers(z * torch.rsqrt(z.pow(2).mean(-1, keepdim=True) + 1e-8))


class StyleConv(nn.Module):
    """AdaIN synthesis layer: sqrt(2) lrelu(conv(x) + b + B * noise), instance-normalised, * (1 + ys(w)) + yb(w)."""

    def __init__(self, cin, filters, style_index, noise_channel, upsample, latent=LATENT):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(filters, cin, 3, 3))
        self.bias = nn.Parameter(torch.zeros(filters))
        self.style_weight = nn.Parameter(torch.randn(latent, 2 * filters))
        self.style_bias = nn.Parameter(torch.zeros(2 * filters))
        self.noise_strength = nn.Parameter(torch.zeros(filters))
        self.style_index, self.noise_channel, self.upsample = style_index, noise_channel, upsample
        self.weight_scale, self.style_scale = 1 / math.sqrt(9 * cin), 1 / math.sqrt(latent)

    def forward(self, x, styles, noise):
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        style = torch.addmm(self.style_bias, styles[:, self.style_index], self.style_weight * self.style_scale)
        y = F.conv2d(x, self.weight * self.weight_scale, self.bias, padding=1)
        # as gantry's: no lrelu gain (instance norm cancels it, but for its epsilon, divided by the gain squared),
        # and 1 / std times the style's scale taken per channel before the one full-size product
        y = lrelu(y + noise[:, self.noise_channel:self.noise_channel + 1] * self.noise_strength[:, None, None])
        centred = y - y.mean((2, 3), keepdim=True)
        scale, shift = style.chunk(2, 1)
        factor = torch.rsqrt(centred.pow(2).mean((2, 3), keepdim=True) + 1e-8 / LRELU_GAIN ** 2) * (scale + 1)[:, :, None, None]
        return centred * factor + shift[:, :, None, None]


class Synthesis(nn.Module):
    """`sizes`: the resolutions 4 .. output; `channels`: size -> channels (channels_at with the model's widths)."""

    def __init__(self, sizes=SIZES, channels=channels_at, latent=LATENT):
        super().__init__()
        self.constant = nn.Parameter(torch.randn(1, channels(4), 4, 4))
        layers, cin = [], channels(4)
        for i, size in enumerate(sizes):
            for half in (0, 1):
                layers.append(StyleConv(cin, channels(size), 2 * i + half, half, i > 0 and half == 0, latent))
                cin = channels(size)
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


def discriminator(side=SIDE, channels=channels_at):
    layers = [nn.Conv2d(3, channels(side), 1), nn.LeakyReLU(0.2)]
    size = side
    while size > 4:
        layers += [nn.Conv2d(channels(size), channels(size), 3, padding=1), nn.LeakyReLU(0.2),
                   nn.Conv2d(channels(size), channels(size // 2), 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2)]
        size //= 2
    return nn.Sequential(*layers, MinibatchStdDev(), nn.Conv2d(channels(4) + 1, channels(4), 3, padding=1), nn.LeakyReLU(0.2),
                         nn.Flatten(), nn.Linear(16 * channels(4), channels(4)), nn.LeakyReLU(0.2), nn.Linear(channels(4), 1))


def training_step(mapping, synthesis, d, g_opt, d_opt, ema, real_batch, *, batch=BATCH, sizes=SIZES, latent=LATENT,
                  mixing=MIXING, r1_gamma=R1_GAMMA, r1_every=R1_EVERY):
    """gantry's styleganTrainable step (trainer.ts) on these networks: a D step (non-saturating, lazy R1 on the real
    batch every r1_every steps scaled by r1_every), a G step with style mixing, the tracked mean of w, the EMA of G.
    `real_batch()` gives a batch of real images [batch, 3, side, side] in [-1, 1]; the step returns G's loss."""
    rows = 2 * len(sizes)
    taken = [0]

    def fake_batch(n):
        w = mapping(torch.randn(n, latent))
        if random.random() < mixing:
            crossover = 1 + random.randrange(rows - 1)
            fine = mapping(torch.randn(n, latent))
            styles = torch.cat([w[:, None].expand(n, crossover, latent), fine[:, None].expand(n, rows - crossover, latent)], 1)
        else:
            styles = w[:, None].expand(n, rows, latent)
        return synthesis(styles, [torch.randn(n, 2, s, s) for s in sizes]), w

    def step():
        taken[0] += 1
        real = real_batch()
        with torch.no_grad():
            fake, _ = fake_batch(batch)
        set_requires_grad([d], True)
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
        if r1_gamma > 0 and taken[0] % r1_every == 0:
            # gantry's r1Penalty: its own forward pass on the real batch, differentiated twice
            x = real.detach().requires_grad_(True)
            grad, = torch.autograd.grad(d(x).sum(), x, create_graph=True)
            d_loss = d_loss + r1_gamma * r1_every / 2 * grad.pow(2).sum((1, 2, 3)).mean()
        d_loss.backward()
        d_loss.item()
        d_opt.step()
        set_requires_grad([d], False)
        g_opt.zero_grad(set_to_none=True)
        images_g, w = fake_batch(batch)
        g_loss = F.softplus(-d(images_g)).mean()
        g_loss.backward()
        loss = g_loss.item()
        g_opt.step()
        with torch.no_grad():
            batch_mean = w.mean(0)
            mapping.w_avg.copy_(batch_mean + (mapping.w_avg - batch_mean) * W_AVERAGE_DECAY)
        ema.update()
        return loss

    return step


def stylegan64():
    mapping, synthesis, d = Mapping(), Synthesis(), discriminator()
    check_parameters("stylegan64", [mapping, synthesis], [d], PARAMETERS)
    g_opt, d_opt = tfjs_adam([mapping, synthesis], 0.002, (0.0, 0.99)), tfjs_adam([d], 0.002, (0.0, 0.99))
    ema = Ema([mapping, synthesis], EMA_DECAY)
    images = torch.rand(IMAGES, 3, SIDE, SIDE) * 2 - 1
    step = training_step(mapping, synthesis, d, g_opt, d_opt, ema, lambda: images[torch.randperm(IMAGES)[:BATCH]])
    return step, [mapping, synthesis], [d]
