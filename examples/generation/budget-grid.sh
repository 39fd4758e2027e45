#!/bin/sh
# Issue 17's comparison as a ledger that fills over several sittings: DCGAN, ProGAN and StyleGAN on one dataset,
# with and without DiffAugment, seeds 0-2, each trained for CPU_SECONDS of one thread by compare-generators.ts
# (which scores the averaged and the trained generator of each run). Cells run seed by seed, so a partial ledger
# holds whole seeds first; a cell already in OUT/DATA.jsonl is skipped, so the script resumes after a stop, and the
# cell in progress checkpoints into OUT/cells/ and continues from its newest checkpoint, its budget counting the CPU
# seconds of the steps it kept. Summarise with compare-summary.ts OUT/DATA.jsonl.
#   setsid nohup sh examples/generation/budget-grid.sh emoji 2700 runs/grid-2700 > runs/grid-2700-emoji.log 2>&1 &
# Started in its own session (setsid), it lowers its whole session's scheduling weight: with the kernel's autogroups,
# nice alone only ranks a session's own processes, and the grid would still take half the cores from other work.
set -eu
DATA=$1 CPU_SECONDS=$2 OUT=$3
if [ "$(ps -o sid= -p $$ | tr -d ' ')" = "$$" ] && [ -w /proc/self/autogroup ]; then echo 19 > /proc/self/autogroup; fi
mkdir -p "$OUT/logs"
LEDGER=$OUT/$DATA.jsonl
touch "$LEDGER"
for seed in 0 1 2; do for aug in false true; do for model in dcgan progan stylegan; do
  cell="\"model\":\"$model\",\"augment\":$aug,\"generator\":\"EMA\",\"seed\":$seed,"
  if grep -q "$cell" "$LEDGER"; then continue; fi
  flag=$([ "$aug" = true ] && echo --augment || true)
  log=$OUT/logs/$DATA-$model-$seed-$aug.log
  cellDir=$OUT/cells/$DATA-$model-$seed-$aug
  echo "$(date -u +%FT%TZ) $DATA $model seed $seed augment $aug: start"
  # one JSON line per generator; the ledger gets them only when the whole cell has finished
  GANTRY_TORCH_THREADS=1 OMP_NUM_THREADS=1 nice -n 19 node --conditions=gantry-source --import tsx \
    examples/generation/compare-generators.ts --data "$DATA" --model "$model" --seed "$seed" $flag --cpu-seconds "$CPU_SECONDS" \
    --run-dir "$cellDir" > "$log.jsonl.part" 2>> "$log"
  cat "$log.jsonl.part" >> "$LEDGER"
  rm -r "$log.jsonl.part" "$cellDir"
  echo "$(date -u +%FT%TZ) $DATA $model seed $seed augment $aug: done"
done; done; done
