"""PyTorch twins of bench/translation-workloads.ts, layer for layer as the authors'
pytorch-CycleGAN-and-pix2pix networks (UnetGenerator, ResnetGenerator, NLayerDiscriminator) at 64 x 64,
batch 1; each step is the authors' optimize_parameters. Imported by bench/torch_peer.py.

pix2pix: one G forward a step, then D's update on the detached fake, then G's update through the same
forward, the order gantry's trainer takes too (packages/core/src/gans/pix2pix/trainer.ts).
CycleGAN: gantry's trainer batches each generator's passes (gAB on [a, b], ...), which gives the same
numbers here (instance norm, no dropout: each image's output depends on that image alone); this twin keeps
the authors' one pass per call, as their code runs it, so that the ratio is against what a PyTorch user runs.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE = 64


def random_image():
    return torch.rand(1, 3, SIDE, SIDE) * 2 - 1


class Unet(nn.Module):
    """The authors' UnetGenerator (num_downs = depth): block i goes ngf*min(2^(i-1), 8) -> ngf*min(2^i, 8)."""

    def __init__(self, depth=6, ngf=64, channels=3):
        super().__init__()
        width = [ngf * min(2 ** i, 8) for i in range(depth)]
        self.depth = depth
        self.down = nn.ModuleList()
        self.up = nn.ModuleList()
        for i in range(depth):
            inner, outer = width[i], (channels if i == 0 else width[i - 1])
            norm_down = 0 < i < depth - 1
            self.down.append(nn.Sequential(
                *([] if i == 0 else [nn.LeakyReLU(0.2)]),
                nn.Conv2d(outer, inner, 4, 2, 1, bias=False),
                *([nn.BatchNorm2d(inner)] if norm_down else [])))
            up_in = inner if i == depth - 1 else inner * 2
            if i == 0:
                self.up.append(nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(up_in, channels, 4, 2, 1), nn.Tanh()))
            else:
                self.up.append(nn.Sequential(
                    nn.ReLU(), nn.ConvTranspose2d(up_in, outer, 4, 2, 1, bias=False), nn.BatchNorm2d(outer),
                    *([nn.Dropout(0.5)] if 4 <= i < depth - 1 else [])))

    def forward(self, x):
        skips = []
        for block in self.down:
            skips.append(x)
            x = block(x)
        for i in reversed(range(self.depth)):
            x = self.up[i](x)
            if i > 0:
                x = torch.cat([skips[i], x], 1)
        return x


def patchgan(in_channels, norm, ndf=64, layers=3):
    """The authors' NLayerDiscriminator: biases only where the norm is not batch norm."""
    bias = norm is not nn.BatchNorm2d
    width = lambda k: ndf * min(2 ** k, 8)
    net = [nn.Conv2d(in_channels, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
    for k in range(1, layers + 1):
        net += [nn.Conv2d(width(k - 1), width(k), 4, 2 if k < layers else 1, 1, bias=bias), norm(width(k)), nn.LeakyReLU(0.2)]
    net.append(nn.Conv2d(width(layers), 1, 4, 1, 1))
    return nn.Sequential(*net)


class ResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(width, width, 3), nn.InstanceNorm2d(width), nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(width, width, 3), nn.InstanceNorm2d(width))

    def forward(self, x):
        return x + self.body(x)


def resnet_generator(ngf=64, blocks=6, downsamplings=2, channels=3):
    net = [nn.ReflectionPad2d(3), nn.Conv2d(channels, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU()]
    for i in range(downsamplings):
        net += [nn.Conv2d(ngf * 2 ** i, ngf * 2 ** (i + 1), 3, 2, 1), nn.InstanceNorm2d(ngf * 2 ** (i + 1)), nn.ReLU()]
    net += [ResidualBlock(ngf * 2 ** downsamplings) for _ in range(blocks)]
    for i in range(downsamplings, 0, -1):
        net += [nn.ConvTranspose2d(ngf * 2 ** i, ngf * 2 ** (i - 1), 3, 2, 1, output_padding=1), nn.InstanceNorm2d(ngf * 2 ** (i - 1)), nn.ReLU()]
    net += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, channels, 7), nn.Tanh()]
    return nn.Sequential(*net)


def adam(*nets):
    return torch.optim.Adam([p for n in nets for p in n.parameters()], lr=2e-4, betas=(0.5, 0.999))


def set_requires_grad(net, flag):
    for p in net.parameters():
        p.requires_grad = flag


def pix2pix64():
    g, d = Unet(), patchgan(6, nn.BatchNorm2d)
    g_opt, d_opt = adam(g), adam(d)
    bce = lambda logits, label: F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))

    def step():
        source, target = random_image(), random_image()
        fake = g(source)
        set_requires_grad(d, True)
        d_opt.zero_grad(set_to_none=True)
        d_loss = 0.5 * (bce(d(torch.cat([source, fake.detach()], 1)), 0.0) + bce(d(torch.cat([source, target], 1)), 1.0))
        d_loss.backward()
        d_opt.step()
        set_requires_grad(d, False)
        g_opt.zero_grad(set_to_none=True)
        g_loss = bce(d(torch.cat([source, fake], 1)), 1.0) + 100 * F.l1_loss(fake, target)
        g_loss.backward()
        g_opt.step()
        return g_loss.item()

    return step, g, d


def cyclegan64():
    g_ab, g_ba = resnet_generator(), resnet_generator()
    d_a, d_b = patchgan(3, nn.InstanceNorm2d), patchgan(3, nn.InstanceNorm2d)
    g_opt, d_opt = adam(g_ab, g_ba), adam(d_a, d_b)
    mse_to = lambda logits, label: F.mse_loss(logits, torch.full_like(logits, label))

    def step():
        a, b = random_image(), random_image()
        fake_b, fake_a = g_ab(a), g_ba(b)
        rec_a, rec_b = g_ba(fake_b), g_ab(fake_a)
        for d in (d_a, d_b):
            set_requires_grad(d, False)
        g_opt.zero_grad(set_to_none=True)
        identity = F.l1_loss(g_ab(b), b) + F.l1_loss(g_ba(a), a)
        cycle = F.l1_loss(rec_a, a) + F.l1_loss(rec_b, b)
        g_loss = mse_to(d_b(fake_b), 1.0) + mse_to(d_a(fake_a), 1.0) + 10 * cycle + 5 * identity
        g_loss.backward()
        g_opt.step()
        for d in (d_a, d_b):
            set_requires_grad(d, True)
        d_opt.zero_grad(set_to_none=True)
        for d, real, fake in ((d_a, a, fake_a), (d_b, b, fake_b)):
            (0.5 * (mse_to(d(real), 1.0) + mse_to(d(fake.detach()), 0.0))).backward()
        d_opt.step()
        return g_loss.item()

    return step, g_ab, d_a
