"""The authors' side of the CycleGAN comparison (issue 16, docs/translation.md, "CycleGAN and DiscoGAN measured").

Runs junyanz/pytorch-CycleGAN-and-pix2pix's own CycleGANModel, options, unaligned dataset, networks, image pool,
scheduler and image saving (copied at run time into runs/reference-code-cyclegan/ by cyclegan-reference-code.sh;
their code is not in this repository) on the PNG folders that export-emoji-folders.ts writes from gantry's loader:

  OMP_NUM_THREADS=1 /usr/bin/python3 examples/translation/reference/cyclegan-reference.py \
    --seed 0 --steps 3000 --filters 32 --out runs/cyclegan-reference/s0

What this driver does instead of their train.py / test.py, and why:
- Steps, not epochs: their train.py steps the linear schedule once an epoch (n_epochs constant, then n_epochs_decay
  falling); here every step is an "epoch" of their scheduler (n_epochs = n_epochs_decay = steps / 2 and
  update_learning_rate after each step), so the rate is constant for half the run, then falls linearly, as
  gantry's learningRateDecay 0.5 does per step. Their lambda_rule ends at 1 / (steps / 2 + 1) of the rate, not 0.
- Seeds: their code seeds nothing; this seeds torch, numpy and random (weights, shuffling, B's draws, the pool).
- Test: their test.py's pieces without its HTML page (it needs `dominate`): netG_A on testA, netG_B on testB, one
  image at a time under no_grad in train mode (their default without --eval; instance norm keeps no running
  statistics, so the mode does not matter), saved with their util.tensor2im + util.save_image (8 bits,
  truncated, as their results/ PNGs are).
- num_threads 0: the data is read in this process, so that its CPU time is all counted.
Writes OUT/ab/<name>.png (google -> twitter), OUT/ba/<name>.png and OUT/timing.json.
"""
import argparse
import contextlib
import io
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CODE = os.path.join(ROOT, "runs", "reference-code-cyclegan")

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--steps", type=int, default=1000)
parser.add_argument("--filters", type=int, default=64, help="their --ngf and --ndf")
parser.add_argument("--cycle-weight", type=float, default=10.0, help="their --lambda_A and --lambda_B")
parser.add_argument("--identity-weight", type=float, default=5.0, help="their lambda_identity x lambda_A (0.5 x 10)")
parser.add_argument("--data", default=os.path.join(ROOT, "runs", "reference-data", "emoji16", "unaligned"))
parser.add_argument("--size", type=int, default=16)
parser.add_argument("--out", required=True)
parser.add_argument("--no-test", action="store_true", help="train only, no test translations (timing: pix2pix-speed.py --model cyclegan)")
args = parser.parse_args()
if not os.path.isdir(os.path.join(CODE, "models")):
    sys.exit(f"{CODE} holds no copy of the authors' code: run examples/translation/reference/cyclegan-reference-code.sh")
sys.path.insert(0, CODE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from data import create_dataset  # noqa: E402
from data.base_dataset import get_transform  # noqa: E402
from models import create_model  # noqa: E402
from options.train_options import TrainOptions  # noqa: E402
from util import util  # noqa: E402

random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)

half = max(1, args.steps // 2)
# lambda_identity is relative to the cycle weight in their code: identity = lambda_identity * lambda_A
lambda_identity = args.identity_weight / args.cycle_weight if args.cycle_weight > 0 else 0.0
if args.cycle_weight == 0 and args.identity_weight > 0:
    sys.exit("their code cannot weight the identity term without the cycle term (it is lambda_identity x lambda_A)")
sys.argv = [
    "train.py", "--dataroot", args.data, "--name", "emoji", "--checkpoints_dir", os.path.join(args.out, "checkpoints"),
    "--model", "cycle_gan", "--dataset_mode", "unaligned", "--netG", "resnet_6blocks", "--netD", "n_layers", "--n_layers_D", "2",
    "--ngf", str(args.filters), "--ndf", str(args.filters), "--norm", "instance", "--gan_mode", "lsgan", "--pool_size", "50",
    "--lambda_A", str(args.cycle_weight), "--lambda_B", str(args.cycle_weight), "--lambda_identity", str(lambda_identity),
    "--lr", "0.0002", "--beta1", "0.5", "--lr_policy", "linear", "--n_epochs", str(half), "--n_epochs_decay", str(args.steps - half),
    "--batch_size", "1", "--preprocess", "none", "--load_size", str(args.size), "--crop_size", str(args.size), "--no_flip",
    "--num_threads", "0",
]
with contextlib.redirect_stdout(io.StringIO()):  # their option table and network summaries
    opt = TrainOptions().parse()
opt.device = torch.device("cpu")
dataset = create_dataset(opt)
model = create_model(opt)
with contextlib.redirect_stdout(io.StringIO()):
    model.setup(opt)
print(f"cycle_gan: {dataset.dataset.A_size} images in trainA, {dataset.dataset.B_size} in trainB, {args.steps} steps, seed {args.seed}, "
      f"ngf = ndf = {args.filters}, torch {torch.__version__}, {torch.get_num_threads()} thread(s)", flush=True)

cpu0, wall0 = time.process_time(), time.perf_counter()
step = 0
while step < args.steps:
    for data in dataset:
        model.set_input(data)
        model.optimize_parameters()
        with contextlib.redirect_stdout(io.StringIO()):
            model.update_learning_rate()
        step += 1
        if step % max(1, args.steps // 10) == 0 or step == args.steps:
            losses = " ".join(f"{k} {v:.4f}" for k, v in model.get_current_losses().items())
            used = time.process_time() - cpu0
            print(f"step {step}/{args.steps}  {step / used:.2f} steps per CPU s  ({used:.3f} s cpu)  {losses}", flush=True)
        if step == args.steps:
            break
cpu = time.process_time() - cpu0
timing = {"seed": args.seed, "steps": args.steps, "filters": args.filters, "cpuSeconds": cpu, "wallSeconds": time.perf_counter() - wall0,
          "stepsPerCpuSecond": args.steps / cpu, "finalLearningRate": model.optimizers[0].param_groups[0]["lr"]}
print(f"trained: {cpu:.1f} CPU s, {timing['wallSeconds']:.1f} wall s, {timing['stepsPerCpuSecond']:.2f} steps per CPU second")

if args.no_test:
    sys.exit(0)
transform = get_transform(opt)
for direction, net, folder in [("ab", model.netG_A, "testA"), ("ba", model.netG_B, "testB")]:
    out_dir = os.path.join(args.out, direction)
    os.makedirs(out_dir, exist_ok=True)
    names = sorted(os.listdir(os.path.join(args.data, folder)))
    with torch.no_grad():
        for name in names:
            image = transform(Image.open(os.path.join(args.data, folder, name)).convert("RGB")).unsqueeze(0)
            util.save_image(util.tensor2im(net(image)), os.path.join(out_dir, name))
    print(f"{direction}: {len(names)} test translations in {out_dir}")
with open(os.path.join(args.out, "timing.json"), "w") as f:
    json.dump(timing, f, indent=2)
