#!/bin/sh
# The runs behind docs/translation.md's "CycleGAN and DiscoGAN measured" (issue 16), one after another on one
# thread, niced: for each seed the authors' CycleGAN (cyclegan-reference.py) and gantry's (cyclegan-gantry.ts) with
# the same images, networks (ngf = ndf = FILTERS, resnet_6blocks, 2-layer PatchGAN), steps and loss weights;
# gantry's ablation without the cycle and identity terms; gantry's DiscoGAN; then every folder of test
# translations, and the input copied unchanged, scored by common/score-translations.ts into OUT/scores.jsonl.
#   sh examples/translation/reference/cyclegan-runs.sh STEPS "SEEDS" [FILTERS] [DISCO_STEPS] [DISCO_BATCH]
# e.g. sh examples/translation/reference/cyclegan-runs.sh 1000 "0 1 2" 32 2000 8 (the ablation and DiscoGAN run once,
# with the first seed, after the second seed's pair; EXTRAS=0 leaves them out)
# Needs runs/reference-data/emoji16 (export-emoji-folders.ts --size 16) and runs/reference-code-cyclegan
# (cyclegan-reference-code.sh). Each run's user + sys CPU time is in its *.time file (/usr/bin/time -v).
set -eu
STEPS=$1
SEEDS=$2
FILTERS=${3:-32}
DISCO_STEPS=${4:-$STEPS}
DISCO_BATCH=${5:-8}
OUT=runs/cyclegan-compare
mkdir -p "$OUT"
export GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
TSX="node --conditions=gantry-source --import tsx"
timed() { # NAME COMMAND...: runs the command niced, its log in OUT/NAME.log, its CPU time in OUT/NAME.time
  name=$1; shift
  echo "$(date -u +%H:%M:%S) $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -v -o "$OUT/$name.time" nice -n 10 "$@" > "$OUT/$name.log" 2>&1
}
score() { # NAME DIR: both directions of a run's test translations
  for d in ab ba; do
    to=twitter; [ "$d" = ba ] && to=google
    nice -n 10 $TSX examples/translation/reference/common/score-translations.ts --outputs "$2/$d" --to $to --label "$1 $d" --json "$OUT/scores.jsonl"
  done
}

floor() { # the input copied unchanged, scored the same way
  nice -n 10 $TSX examples/translation/reference/common/score-translations.ts --outputs runs/reference-data/emoji16/unaligned/testA --to twitter --label "copy ab" --json "$OUT/scores.jsonl"
  nice -n 10 $TSX examples/translation/reference/common/score-translations.ts --outputs runs/reference-data/emoji16/unaligned/testB --to google --label "copy ba" --json "$OUT/scores.jsonl"
}
pair() { # SEED: the authors' CycleGAN and gantry's
  timed "reference-s$1" /usr/bin/python3 examples/translation/reference/cyclegan-reference.py --seed "$1" --steps "$STEPS" --filters "$FILTERS" --out "$OUT/reference-s$1"
  score "reference-s$1" "$OUT/reference-s$1"
  timed "gantry-s$1" $TSX examples/translation/reference/cyclegan-gantry.ts --seed "$1" --steps "$STEPS" --filters "$FILTERS" --out "$OUT/gantry-s$1"
  score "gantry-s$1" "$OUT/gantry-s$1"
}
extras() { # SEED: gantry without the cycle and identity terms, and gantry's DiscoGAN
  timed "gantry-nocycle-s$1" $TSX examples/translation/reference/cyclegan-gantry.ts --seed "$1" --steps "$STEPS" --filters "$FILTERS" \
    --cycle-weight 0 --identity-weight 0 --out "$OUT/gantry-nocycle-s$1"
  score "gantry-nocycle-s$1" "$OUT/gantry-nocycle-s$1"
  if timed "discogan-s$1" $TSX examples/translation/reference/cyclegan-gantry.ts --model discogan --seed "$1" --steps "$DISCO_STEPS" \
    --batch "$DISCO_BATCH" --filters "$FILTERS" --out "$OUT/discogan-s$1"; then score "discogan-s$1" "$OUT/discogan-s$1"; else echo "discogan-s$1 failed"; fi
}

# seeds after the second come last, so that a run cut short by time still has two seeds, the ablation and DiscoGAN
[ -s "$OUT/scores.jsonl" ] || floor
n=0
for SEED in $SEEDS; do
  n=$((n + 1))
  pair "$SEED"
  [ "$n" = 2 ] && [ "${EXTRAS:-1}" = 1 ] && extras "$(echo $SEEDS | cut -d' ' -f1)"
done
echo "$(date -u +%H:%M:%S) done"
