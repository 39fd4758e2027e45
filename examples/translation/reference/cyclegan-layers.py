"""Layer-for-layer check of the CycleGAN networks the comparison runs (docs/translation.md, "CycleGAN and DiscoGAN measured"):
the authors' resnet_6blocks generator and 2-layer PatchGAN at ngf = ndf = 32 on 16 px, their parameter count, kernel shapes
(torch layout: out, in, kh, kw; transposed convs in, out, kh, kw) and output shape; cyclegan-layers.ts prints gantry's.
  /usr/bin/python3 examples/translation/reference/cyclegan-layers.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "runs", "reference-code-cyclegan"))
import torch  # noqa: E402
from models import networks  # noqa: E402

for name, net in [('G', networks.define_G(3, 3, 32, 'resnet_6blocks', 'instance', False, 'normal', 0.02)),
                  ('D', networks.define_D(3, 32, 'n_layers', 2, 'instance', 'normal', 0.02))]:
    shapes = [tuple(p.shape) for p in net.parameters()]
    x = torch.zeros(1, 3, 16, 16)
    print(name, sum(p.numel() for p in net.parameters()), 'params,', len(shapes), 'tensors; output', tuple(net(x).shape))
    print('  ', [s for s in shapes if len(s) == 4])
