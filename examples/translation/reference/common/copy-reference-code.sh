#!/bin/sh
# Shared by the pix2pix and CycleGAN reference comparisons of issue 16: copies the authors' code
# (junyanz/pytorch-CycleGAN-and-pix2pix, master at commit 2a7afba of 2025-08-06, "fix bugs (when use wandb
# without torchrun)") out of a git mirror into DEST (under runs/, git-ignored: their code is never committed).
# The upstream repository's snapshot (3.2 GB, its history holds images) is over the fetch tool's 500 MB limit;
# the mirror used is the fork premsuggu/pytorch-CycleGAN-and-pix2pix, whose history holds upstream's commit
# 2a7afba unchanged (fetched with the fetch tool to /work/.mirror/premsuggu+pytorch-CycleGAN-and-pix2pix/repo).
#   sh examples/translation/reference/common/copy-reference-code.sh [DEST] [MIRROR]
set -eu
DEST=${1:-runs/reference-code/pytorch-CycleGAN-and-pix2pix-2a7afba}
MIRROR=${2:-/work/.mirror/premsuggu+pytorch-CycleGAN-and-pix2pix/repo}
COMMIT=2a7afba
git --git-dir="$MIRROR" cat-file -e "$COMMIT^{commit}" || { echo "$MIRROR has no commit $COMMIT" >&2; exit 1; }
mkdir -p "$DEST"
# the Python packages train.py and test.py import, nothing else (no images, notebooks or scripts)
git --git-dir="$MIRROR" archive "$COMMIT" train.py test.py options data models util | tar -x -C "$DEST"
echo "$DEST: the authors' code at $COMMIT"
