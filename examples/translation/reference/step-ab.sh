#!/bin/sh
# Paired A/B of a translation trainer's step: the working tree's against the one at an older COMMIT, in one process,
# alternating blocks of steps (step-ab.ts), one thread. The older trainer's sources are copied from git into
# runs/step-ab/COMMIT/ with their imports pointed back at packages/core/src (only the files that differ from the
# working tree: pix2pix's trainer, or CycleGAN's trainer and the two-way step).
#   sh examples/translation/reference/step-ab.sh pix2pix 521a4f0^ 40 6
#   sh examples/translation/reference/step-ab.sh cyclegan b84ccca^ 15 6
set -eu
MODEL=$1 COMMIT=$2 BLOCK=${3:-20} ROUNDS=${4:-6}
DIR=runs/step-ab/$(git rev-parse --short "$COMMIT")
mkdir -p "$DIR"
core() { # core FILE: the file at COMMIT, its relative imports rewritten to the working tree's packages/core/src
  git show "$COMMIT:packages/core/src/$1" | sed \
    -e "s#'\.\./\.\./#'../../../packages/core/src/#g" \
    -e "s#'\.\./\([a-z-]*\)\.js'#'../../../packages/core/src/gans/\1.js'#g" \
    -e "s#'\./pooled-history.js'#'../../../packages/core/src/gans/two-way/pooled-history.js'#" \
    -e "s#'\./off-tape.js'#'../../../packages/core/src/gans/pix2pix/off-tape.js'#" \
    -e "s#'\.\./pix2pix/trainer.js'#'../../../packages/core/src/gans/pix2pix/trainer.js'#" \
    -e "s#'\.\./two-way/trainer.js'#'./two-way.js'#"
}
if [ "$MODEL" = pix2pix ]; then
  core gans/pix2pix/trainer.ts > "$DIR/pix2pix.ts"
else
  core gans/two-way/trainer.ts > "$DIR/two-way.ts"
  core gans/cyclegan/trainer.ts > "$DIR/cyclegan.ts"
fi
GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 5 node --conditions=gantry-source --import tsx \
  examples/translation/reference/step-ab.ts --model "$MODEL" --old "$DIR/$MODEL.ts" --block "$BLOCK" --rounds "$ROUNDS"
