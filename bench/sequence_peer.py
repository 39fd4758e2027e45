"""PyTorch twins of bench/sequence-workloads.ts: gantry's GAN-TTS (packages/core/src/gans/gantts/) and
next-frame video predictor (packages/core/src/gans/video/) layer for layer in channels-first layouts
(GAN-TTS's 1-D convolutions as Conv1d, dilated natively), each step as its trainer takes it, with the
trainers' defaults. Imported by bench/torch_peer.py.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import check_parameters, lrelu, set_requires_grad, tfjs_adam

# ---------------------------------------------------------------- GAN-TTS
HOP, FOLD = 80, 20
FEATURES = 67 + 2  # the espeak-ng corpus's 67 phonemes one-hot, log-F0, voiced
LATENT, CHANNELS, UPSAMPLING, WINDOWS, D_CHANNELS = 32, (64, 48, 32, 16), (2, 2, 4, 5), (480, 1600), 32
BATCH, CLIP_FRAMES, UTTERANCES, UTTERANCE_FRAMES = 8, 64, 32, 400
GANTTS_PARAMETERS = (166929, 99204)


def time_conv(cin, cout, kernel, dilation=1):
    return nn.Conv1d(cin, cout, kernel, padding=dilation * (kernel - 1) // 2, dilation=dilation)


class CondNormRelu(nn.Module):
    """Batch norm, then x * (1 + gamma(z)) + beta(z) (linear in z, starting at zero), then ReLU: gantry's
    ConditionalBatchNormRelu (gans/gantts/conditional-norm.ts), which is one layer with its own backward pass."""

    def __init__(self, channels):
        super().__init__()
        self.norm = nn.BatchNorm1d(channels, eps=1e-3, momentum=0.1)  # tfjs-layers' epsilon; its momentum 0.9
        self.affine = nn.Linear(LATENT, 2 * channels)
        nn.init.zeros_(self.affine.weight)
        nn.init.zeros_(self.affine.bias)

    def forward(self, x, z):
        gamma, beta = self.affine(z).chunk(2, 1)
        return F.relu(self.norm(x) * (1 + gamma[:, :, None]) + beta[:, :, None])


class GBlock(nn.Module):
    def __init__(self, cin, cout, factor):
        super().__init__()
        self.factor = factor
        self.n1, self.c1, self.n2, self.c2 = CondNormRelu(cin), time_conv(cin, cout, 3), CondNormRelu(cout), time_conv(cout, cout, 3, 2)
        self.skip = time_conv(cin, cout, 1)
        self.n3, self.c3, self.n4, self.c4 = CondNormRelu(cout), time_conv(cout, cout, 3, 4), CondNormRelu(cout), time_conv(cout, cout, 3, 8)

    def up(self, x):
        return F.interpolate(x, scale_factor=self.factor, mode="nearest")

    def forward(self, x, z):
        h = self.c2(self.n2(self.c1(self.up(self.n1(x, z))), z))
        x = h + self.skip(self.up(x))
        return x + self.c4(self.n4(self.c3(self.n3(x, z)), z))


class TtsGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = time_conv(FEATURES, CHANNELS[0], 3)
        cins = (CHANNELS[0],) + CHANNELS[:-1]
        self.blocks = nn.ModuleList(GBlock(cin, cout, f) for cin, cout, f in zip(cins, CHANNELS, UPSAMPLING))
        self.out = time_conv(CHANNELS[-1], 1, 3)

    def forward(self, features, z):
        x = self.head(features)
        for block in self.blocks:
            x = block(x, z)
        return torch.tanh(self.out(x))


class WindowDiscriminator(nn.Module):
    """A window of w samples folded to [20, w / 20], two convs, pooling to the frame rate, (+ the features' projection), two convs, a logit."""

    def __init__(self, conditional):
        super().__init__()
        c = D_CHANNELS
        self.c1, self.c2 = time_conv(FOLD, c, 3), time_conv(c, c, 3, 2)
        self.project = nn.Conv1d(FEATURES, c, 1) if conditional else None
        self.c3, self.c4 = time_conv(c, 2 * c, 3), time_conv(2 * c, 2 * c, 3, 2)
        self.logit = nn.Linear(2 * c, 1)

    def forward(self, audio, features=None):
        n, _, w = audio.shape
        x = audio.reshape(n, w // FOLD, FOLD).transpose(1, 2)
        x = F.avg_pool1d(lrelu(self.c2(lrelu(self.c1(x)))), HOP // FOLD)
        if self.project is not None:
            x = x + self.project(features)
        x = lrelu(self.c4(lrelu(self.c3(x))))
        return self.logit(x.mean(2))


class Ensemble(nn.Module):
    """Per window size an unconditional and a conditional D, in gantry's order."""

    def __init__(self):
        super().__init__()
        self.members = nn.ModuleList(WindowDiscriminator(conditional) for _ in WINDOWS for conditional in (False, True))

    def forward(self, audio, features, offsets):
        logits = []
        for k, member in enumerate(self.members):
            w, at = WINDOWS[k // 2], offsets[k]
            window = audio[:, :, at * HOP:at * HOP + w]
            logits.append(member(window, features[:, :, at:at + w // HOP]) if member.project is not None else member(window))
        return logits


def gantts():
    g, d = TtsGenerator(), Ensemble()
    check_parameters("gantts", [g], [d], GANTTS_PARAMETERS)
    g_opt, d_opt = tfjs_adam([g], 1e-4, (0.0, 0.999)), tfjs_adam([d], 1e-4, (0.0, 0.999))
    # utterances shaped as the espeak-ng corpus's: one-hot phonemes, normalised log-F0 and voicing per frame
    phonemes = torch.randint(0, FEATURES - 2, (UTTERANCES, UTTERANCE_FRAMES))
    voiced = (phonemes % 3 != 0).float()
    tracks = torch.cat([F.one_hot(phonemes, FEATURES - 2).float(), (torch.randn(UTTERANCES, UTTERANCE_FRAMES) * voiced)[..., None], voiced[..., None]], 2)
    tracks = tracks.transpose(1, 2).contiguous()
    speech = (torch.rand(UTTERANCES, 1, UTTERANCE_FRAMES * HOP) * 2 - 1) * 0.3

    def step():
        picks = [(random.randrange(UTTERANCES), random.randrange(UTTERANCE_FRAMES - CLIP_FRAMES + 1)) for _ in range(BATCH)]
        features = torch.stack([tracks[u, :, s:s + CLIP_FRAMES] for u, s in picks])
        audio = torch.stack([speech[u, :, s * HOP:(s + CLIP_FRAMES) * HOP] for u, s in picks])
        z = torch.randn(BATCH, LATENT)
        offsets = [random.randrange(CLIP_FRAMES - WINDOWS[k // 2] // HOP + 1) for k in range(2 * len(WINDOWS))]
        set_requires_grad([d], False)
        g_opt.zero_grad(set_to_none=True)
        wave = g(features, z)
        g_loss = sum(-logit.mean() for logit in d(wave, features, offsets))
        g_loss.backward()
        loss = g_loss.item()
        g_opt.step()
        set_requires_grad([d], True)
        d_opt.zero_grad(set_to_none=True)
        real, made = d(audio, features, offsets), d(wave.detach(), features, offsets)
        d_loss = sum(F.relu(1 - r).mean() + F.relu(1 + f).mean() for r, f in zip(real, made))
        d_loss.backward()
        d_loss.item()
        d_opt.step()
        return loss

    return step, [g], [d]


# ---------------------------------------------------------------- video
SIZE, CONTEXT, FUTURE, SEQUENCES, FILTERS, SCALES, LAMBDA_ADV = 64, 10, 10, 16, 16, 2, 0.0125
DIGIT, FREE, STEP_FRACTION = 28, 64 - 28, 0.1
VIDEO_PARAMETERS = (97578, 27298)


def conv3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride, 1)


class Predictor(nn.Module):
    """The context frames as channels -> every future frame: a two-level U-Net, ReLU, a linear output."""

    def __init__(self, f=FILTERS):
        super().__init__()
        self.enc1, self.enc2, self.enc3, self.middle = conv3(CONTEXT, f), conv3(f, 2 * f, 2), conv3(2 * f, 4 * f, 2), conv3(4 * f, 4 * f)
        self.dec2, self.dec1, self.frames = conv3(6 * f, 2 * f), conv3(3 * f, f), conv3(f, FUTURE)

    def forward(self, x):
        up = lambda t: F.interpolate(t, scale_factor=2, mode="nearest")
        e1 = F.relu(self.enc1(x))
        e2 = F.relu(self.enc2(e1))
        e3 = F.relu(self.middle(F.relu(self.enc3(e2))))
        d2 = F.relu(self.dec2(torch.cat([up(e3), e2], 1)))
        d1 = F.relu(self.dec1(torch.cat([up(d2), e1], 1)))
        return self.frames(d1)


class SequenceDiscriminator(nn.Module):
    def __init__(self, f=FILTERS):
        super().__init__()
        self.scales = nn.ModuleList(nn.Sequential(
            nn.Conv2d(CONTEXT + FUTURE, f, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(f, 2 * f, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * f, 1, 3, 1, 1)) for _ in range(SCALES))

    def forward(self, x):
        return [net(x if s == 0 else F.avg_pool2d(x, 2 ** s)) for s, net in enumerate(self.scales)]


def draw_moving_mnist(bank, rng, count, frames):
    """gantry's Moving MNIST (data/moving-mnist.ts): digits bouncing in 64 x 64, combined by the pixel-wise max."""
    out = np.zeros((count, frames, SIZE, SIZE), np.float32)
    for s in range(count):
        for _ in range(2):
            digit = bank[rng.integers(len(bank))]
            y, x = rng.random(), rng.random()
            theta = rng.random() * 2 * math.pi
            vy, vx = math.sin(theta) * STEP_FRACTION, math.cos(theta) * STEP_FRACTION
            for t in range(frames):
                top, left = round(y * FREE), round(x * FREE)
                region = out[s, t, top:top + DIGIT, left:left + DIGIT]
                np.maximum(region, digit, out=region)
                y, x = y + vy, x + vx
                if y < 0 or y > 1:
                    y, vy = (-y if y < 0 else 2 - y), -vy
                if x < 0 or x > 1:
                    x, vx = (-x if x < 0 else 2 - x), -vx
    return torch.from_numpy(out)


def video():
    p, d = Predictor(), SequenceDiscriminator()
    check_parameters("video", [p], [d], VIDEO_PARAMETERS)
    p_opt, d_opt = tfjs_adam([p], 1e-3, (0.5, 0.999)), tfjs_adam([d], 1e-3, (0.5, 0.999))
    rng = np.random.default_rng(1)
    bank = rng.random((100, DIGIT, DIGIT), dtype=np.float32)

    def step():
        sequences = draw_moving_mnist(bank, rng, SEQUENCES, CONTEXT + FUTURE)
        context, truth = sequences[:, :CONTEXT], sequences[:, CONTEXT:]
        set_requires_grad([d], False)
        p_opt.zero_grad(set_to_none=True)
        predicted = p(context)
        mse = F.mse_loss(predicted, truth)
        fake_logits = d(torch.cat([context, predicted], 1))
        adversarial = sum(F.softplus(-logit).mean() for logit in fake_logits) / len(fake_logits)
        g_loss = mse + LAMBDA_ADV * adversarial
        g_loss.backward()
        mse.item()
        p_opt.step()
        set_requires_grad([d], True)
        d_opt.zero_grad(set_to_none=True)
        real, fake = d(torch.cat([context, truth], 1)), d(torch.cat([context, predicted.detach()], 1))
        d_loss = sum(F.softplus(-r).mean() + F.softplus(f).mean() for r, f in zip(real, fake))
        d_loss.backward()
        d_loss.item()
        d_opt.step()
        return mse.item()

    return step, [p], [d]
