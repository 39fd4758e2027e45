#!/usr/bin/env python3
"""PyTorch 1.13's torch.optim.Adam (lr 2e-4, betas 0.5 / 0.999, as the authors' pix2pix) on tensors of the sizes
adam-speed.ts wrote (pix2pix's G at 16 px), in CPU ms per update: random gradients, 5 warm-up updates, then 3 rounds
of 20, one thread.
  OMP_NUM_THREADS=1 /usr/bin/python3 examples/translation/reference/adam-speed.py runs/adam-sizes.json
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
sizes = json.load(open(sys.argv[1]))
params = [torch.nn.Parameter(torch.randn(n)) for n in sizes]
for p in params:
    p.grad = torch.randn_like(p)
optimizer = torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))
for _ in range(5):
    optimizer.step()
print(f'torch.optim.Adam (torch {torch.__version__}), {sum(sizes)} weights in {len(sizes)} tensors')
for r in range(3):
    start = time.process_time()
    for _ in range(20):
        optimizer.step()
    print(f'round {r}: {(time.process_time() - start) / 20 * 1000:.2f} CPU ms per update')
