#!/bin/sh
# Copies the authors' pytorch-CycleGAN-and-pix2pix (Python sources only) into runs/reference-code-cyclegan/
# (git-ignored: their code is BSD-licensed but not part of gantry) for cyclegan-reference.py.
#   sh examples/translation/reference/cyclegan-reference-code.sh [GIT_DIR] [COMMIT]
# GIT_DIR: a clone or mirror holding the commit. The default commit, 2a7afba (junyanz, 2025-08-06, "fix bugs
# (when use wandb without torchrun)"), is the upstream master the comparison in docs/translation.md ran.
set -eu
GIT_DIR=${1:-/work/.mirror/premsuggu+pytorch-CycleGAN-and-pix2pix/repo}
COMMIT=${2:-2a7afba}
DEST=runs/reference-code-cyclegan
mkdir -p "$DEST"
git --git-dir="$GIT_DIR" ls-tree -r --name-only "$COMMIT" | grep -E '^((data|models|options|util)/.*\.py|train\.py|test\.py|LICENSE)$' |
  while read -r f; do
    mkdir -p "$DEST/$(dirname "$f")"
    git --git-dir="$GIT_DIR" show "$COMMIT:$f" > "$DEST/$f"
  done
echo "$DEST: the authors' code at $COMMIT"
