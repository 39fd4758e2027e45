#!/bin/sh
# Issue 16's pix2pix measurements (docs/translation.md, pix2pix, "Measured"): for each seed, gantry's three
# ablation arms (l1+adversarial, l1, adversarial) and the authors' code (pix2pix-reference.py; the arm
# reference-adversarial is their --lambda_L1 0), all 16 px, batch 1, STEPS steps, one thread, niced; then
# every run's 371 test translations, written as PNGs, scored by the same gantry code
# (common/score-translations.ts) into OUT/scores.jsonl. CPU time of every training: OUT/<run>.time.
#   STEPS=1000 SEEDS="0 1 2" OUT=runs/pix2pix-measured sh examples/translation/reference/pix2pix-runs.sh
# Needs runs/reference-data/emoji16/aligned (reference/export-emoji-folders.ts --size 16) and the authors'
# code (common/copy-reference-code.sh). Rerunning it skips finished arms (OUT/<run>.done) and a training that
# reached STEPS. A command that fails is retried a few times a minute apart (the tree may be mid-edit).
set -u
STEPS=${STEPS:-1000}
SEEDS=${SEEDS:-0 1 2}
OUT=${OUT:-runs/pix2pix-measured}
ARMS=${ARMS:-l1+adversarial reference l1 adversarial}
CODE=${CODE:-runs/reference-code/pytorch-CycleGAN-and-pix2pix-2a7afba}
export GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1
HERE=$(dirname "$0")
mkdir -p "$OUT"
note() { echo "$(date -u +%H:%M:%S) $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >> "$OUT/progress.log"; }
retry() { # retry command...: up to 5 tries, a minute apart
  for try in 1 2 3 4 5; do
    "$@" && return 0
    note "failed (try $try): $*"
    sleep 60
  done
  return 1
}
timed() { # timed NAME command...: under /usr/bin/time -v, log in OUT/NAME.log, the timing in OUT/NAME.time
  name=$1; shift
  note "$name: $*"
  /usr/bin/time -v -o "$OUT/$name.time" nice -n 10 "$@" > "$OUT/$name.log" 2>&1 || return 1
  note "$name done: $(grep -E 'User time|System time|Elapsed' "$OUT/$name.time" | tr -s ' \t' ' ' | tr '\n' ';')"
}
score() { # score LABEL DIR
  nice -n 10 node --conditions=gantry-source --import tsx "$HERE/common/score-translations.ts" --outputs "$2" --label "$1" --json "$OUT/scores.jsonl" >> "$OUT/progress.log" 2>&1
}
trained() { grep -q "\"step\":$STEPS}" "$1/latest.json" 2>/dev/null; }
for seed in $SEEDS; do
  for arm in $ARMS; do
    name="$(echo "$arm" | tr '+' '-')-s$seed"
    run="$OUT/$name"
    [ -e "$run.done" ] && continue
    case $arm in
      reference|reference-adversarial)
        lambda=100; [ "$arm" = reference-adversarial ] && lambda=0
        [ -e "$run/test" ] && [ "$(ls "$run/test" | wc -l)" = 371 ] || { rm -rf "$run"; retry timed "$name" /usr/bin/python3 "$HERE/pix2pix-reference.py" --code "$CODE" --steps "$STEPS" --seed "$seed" --lambda-l1 "$lambda" --out "$run"; } || continue
        retry score "$arm s$seed" "$run/test" || continue ;;
      *)
        trained "$run" || { rm -rf "$run"; retry timed "$name" npx gantry train --model pix2pix --objective "$arm" --data emoji:google:16 --target emoji:twitter:16 \
          --steps "$STEPS" --seed "$seed" --checkpoint-every "$STEPS" --sample-every "$STEPS" --progress lines --out "$run"; } || continue
        rm -rf "$run-test"
        retry nice -n 10 npx gantry translate "$run" --input emoji:google --out "$run-test" >> "$OUT/progress.log" 2>&1 || continue
        retry score "gantry $arm s$seed" "$run-test" || continue ;;
    esac
    touch "$run.done"
  done
done
note "all done"
