#!/usr/bin/env python3
"""Our driver of the authors' pix2pix (junyanz/pytorch-CycleGAN-and-pix2pix, copied into runs/ by
common/copy-reference-code.sh; their code is never committed) for issue 16's comparison with gantry.

It runs THEIR options, data loader (aligned dataset), Pix2PixModel, networks, losses, optimizers, scheduler
and tensor2im / save_image, with the protocol of docs/translation.md (pix2pix, "Measured"):

  /usr/bin/python3 examples/translation/reference/pix2pix-reference.py \
      --code runs/reference-code/pytorch-CycleGAN-and-pix2pix-2a7afba \
      --dataroot runs/reference-data/emoji16/aligned --steps 2000 --seed 0 --out runs/pix2pix-reference/s0

What differs from running their train.py / test.py, and why:
- define_G is wrapped: `--netG unet_16` builds THEIR UnetSkipConnectionBlock chain with 4 down-samplings
  (outermost ngf, ngf -> 2 ngf, 2 ngf -> 4 ngf, innermost 4 ngf -> 8 ngf), initialised by their init_net in model.setup.
  Their UnetGenerator cannot: it always stacks the outermost, three fixed blocks and the innermost, so
  5 down-samplings at least, which a 16 px image does not allow. gantry's unetGenerator at 16 px has depth
  4 with the same channels; neither has dropout at this depth (theirs puts it in the num_downs - 5 blocks
  next to the innermost, gantry the same). Every other name goes to their define_G unchanged.
- the loop is train.py's (set_input, optimize_parameters) counted in steps instead of epochs: their
  schedulers (lr_policy linear) are stepped after every training step, with n_epochs = steps / 2 and
  n_epochs_decay = the rest, so one step plays their epoch: constant rate for the first half, then their
  linear rule down to 1 / (n_epochs_decay + 1) of it. No visualizer, HTML or checkpoints (not timed work).
- the test pass is test.py's without --eval (their default): netG stays in training mode (batch norm on
  each image's own statistics), batch 1, serial order, outputs through their tensor2im (which truncates
  to 8 bits) and save_image, one PNG per test pair under the pair's name in OUT/test/.
"""
import argparse
import os
import random
import sys
import time

import numpy as np
import torch

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--code', required=True, help="folder of the authors' code (common/copy-reference-code.sh)")
parser.add_argument('--dataroot', default='runs/reference-data/emoji16/aligned', help='aligned/{train,test} of export-emoji-folders.ts')
parser.add_argument('--out', required=True)
parser.add_argument('--steps', type=int, required=True)
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--lambda-l1', type=float, default=100.0, help='their --lambda_L1 (0: adversarial only)')
parser.add_argument('--size', type=int, default=16)
parser.add_argument('--no-test', action='store_true', help='train only (timing)')
args = parser.parse_args()

torch.set_num_threads(1)
sys.path.insert(0, os.path.abspath(args.code))
from options.train_options import TrainOptions  # noqa: E402  (their modules, from --code)
from data import create_dataset  # noqa: E402
from models import create_model, networks  # noqa: E402
from util.util import init_ddp, save_image, tensor2im  # noqa: E402

their_define_G = networks.define_G


def define_G(input_nc, output_nc, ngf, netG, norm='batch', use_dropout=False, init_type='normal', init_gain=0.02):
    if netG != 'unet_16':
        return their_define_G(input_nc, output_nc, ngf, netG, norm, use_dropout, init_type, init_gain)
    norm_layer = networks.get_norm_layer(norm_type=norm)
    block = networks.UnetSkipConnectionBlock
    inner = block(ngf * 4, ngf * 8, input_nc=None, submodule=None, norm_layer=norm_layer, innermost=True)
    inner = block(ngf * 2, ngf * 4, input_nc=None, submodule=inner, norm_layer=norm_layer)
    inner = block(ngf, ngf * 2, input_nc=None, submodule=inner, norm_layer=norm_layer)
    # their UnetGenerator (forward: self.model(input)) built at its smallest, 5, then given the 4-deep chain
    net = networks.UnetGenerator(input_nc, output_nc, 5, ngf, norm_layer=norm_layer, use_dropout=use_dropout)
    net.model = block(output_nc, ngf, input_nc=input_nc, submodule=inner, outermost=True, norm_layer=norm_layer)
    return net  # as their define_G: model.setup's init_net initialises it (normal, 0.02)


networks.define_G = define_G

half = args.steps // 2
sys.argv = [
    'train.py', '--dataroot', args.dataroot, '--name', 'pix2pix', '--checkpoints_dir', args.out, '--model', 'pix2pix',
    '--netG', 'unet_16', '--netD', 'n_layers', '--n_layers_D', '2', '--ngf', '64', '--ndf', '64', '--norm', 'batch',
    '--batch_size', '1', '--preprocess', 'none', '--no_flip', '--load_size', str(args.size), '--crop_size', str(args.size),
    '--num_threads', '0', '--n_epochs', str(half), '--n_epochs_decay', str(args.steps - half), '--lambda_L1', str(args.lambda_l1),
]
random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)
opt = TrainOptions().parse()
opt.device = init_ddp()
dataset = create_dataset(opt)
model = create_model(opt)
model.setup(opt)
print(f'netG {sum(p.numel() for p in model.netG.parameters())} weights, netD {sum(p.numel() for p in model.netD.parameters())}', flush=True)

step = 0
cpu0, wall0 = time.process_time(), time.time()
while step < args.steps:
    for data in dataset:
        model.set_input(data)
        model.optimize_parameters()
        for scheduler in model.schedulers:
            scheduler.step()
        step += 1
        if step % 100 == 0 or step == args.steps:
            losses = ' '.join(f'{k} {v:.4f}' for k, v in model.get_current_losses().items())
            cpu, wall = time.process_time() - cpu0, time.time() - wall0
            print(f'step {step}: {losses} lr {model.optimizers[0].param_groups[0]["lr"]:.3g} '
                  f'({cpu:.1f} s cpu, {wall:.1f} s wall, {step / cpu:.3f} steps per cpu s)', flush=True)
        if step == args.steps:
            break
cpu, wall = time.process_time() - cpu0, time.time() - wall0
print(f'trained {step} steps in {cpu:.1f} s cpu ({step / cpu:.3f} steps/s of cpu), {wall:.1f} s wall', flush=True)
torch.save(model.netG.state_dict(), os.path.join(args.out, 'netG.pth'))

if not args.no_test:
    opt.phase, opt.serial_batches, opt.isTrain = 'test', True, False
    test_dir = os.path.join(args.out, 'test')
    os.makedirs(test_dir, exist_ok=True)
    count = 0
    for data in create_dataset(opt):
        model.set_input(data)
        model.test()  # netG in training mode, as test.py without --eval
        name = os.path.splitext(os.path.basename(model.get_image_paths()[0]))[0]
        save_image(tensor2im(model.fake_B), os.path.join(test_dir, f'{name}.png'))
        count += 1
    print(f'wrote {count} test translations to {test_dir}', flush=True)
