#!/usr/bin/env bash
# Runs the bench on a bare GPU machine from the pack that `npm run device:pack` builds
# (.device/: Node, the bundled bench and CLI, Dawn, data). Needs no Node and no network.
#
#   bash scripts/device-bench.sh [--steps N] [--leak-steps N] [--vk-icd FILE.json] [--no-demo] [--no-torch]
#                                [--backends node-webgpu,node-wasm] [--conv-gradient auto|native,swapped,…]
#                                [--fused auto|all|none,…]
#   bash scripts/device-bench.sh --unpack-only    # then: /tmp/refilled-device/node /tmp/refilled-device/study.mjs …
#
# Unpacks Node to /tmp, prints what the machine offers (GPU, Vulkan loader and drivers),
# checks the fused kernels on the GPU, benches node-webgpu (tfjs WebGPU on the GPU through Dawn) and node-wasm, PyTorch on CPU and
# CUDA when python3 has torch, then times the default demo through the CLI on node-webgpu.
# Results go to ${OUT:-bench-results}: bench.json, demo-webgpu.json, demo-webgpu.log.
# Environment: VK_DRIVER_FILES (or --vk-icd) picks the Vulkan driver; REFILLED_DAWN_FLAGS
# passes options to Dawn (e.g. backend=vulkan); REFILLED_PYTHON the python with torch.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PACK="$REPO/.device"
WORK=${REFILLED_DEVICE_DIR:-/tmp/refilled-device}
OUT_DIR=${OUT:-bench-results}
mkdir -p "$OUT_DIR" && OUT_DIR=$(cd "$OUT_DIR" && pwd)
STEPS=20
LEAK_STEPS=30
DEMO=1
UNPACK_ONLY=0
TORCH_FLAG=()
BACKENDS=node-webgpu,node-wasm
CONV=auto
FUSED=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS=$2; shift 2 ;;
    --leak-steps) LEAK_STEPS=$2; shift 2 ;;
    --vk-icd) export VK_DRIVER_FILES=$2 VK_ICD_FILENAMES=$2; shift 2 ;;
    --no-demo) DEMO=0; shift ;;
    --unpack-only) UNPACK_ONLY=1; shift ;;
    --no-torch) TORCH_FLAG=(--no-torch); shift ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --conv-gradient) CONV=$2; shift 2 ;;
    --fused) FUSED=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

echo "== machine"
date -u
uname -srm
echo "cpus: $(nproc)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
echo "tools: tar=$(command -v tar || echo none) xz=$(command -v xz || echo none) python3=$(command -v python3 || echo none)"
echo "libvulkan (ldconfig -p):"; ldconfig -p 2>/dev/null | grep libvulkan || echo "  none registered"
echo "NVIDIA Vulkan-capable libraries:"; ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so* /usr/lib64/libGLX_nvidia.so* 2>/dev/null || echo "  libGLX_nvidia.so not found"
echo "Vulkan ICD files:"; ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null || echo "  none"
. "$REPO/scripts/device-vulkan.sh"
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

echo "== unpacking $PACK to $WORK"
[ -f "$PACK/node.xz" ] || { echo "no pack at $PACK: run npm run device:pack where Node is, and carry .device" >&2; exit 1; }
unxz_to() { # unxz_to SRC DEST: xz where installed, else python3's lzma module
  if command -v xz >/dev/null; then xz -dc "$1" > "$2"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  else echo "neither xz nor python3 here: cannot unpack $1" >&2; return 1; fi
}
rm -rf "$WORK" && mkdir -p "$WORK" && cp -r "$PACK/app/." "$WORK/" || exit 1
unxz_to "$PACK/node.xz" "$WORK/node" && chmod +x "$WORK/node" || exit 1
for f in $(find "$WORK" -name '*.xz'); do unxz_to "$f" "${f%.xz}" && rm "$f" || exit 1; done
# Without the pack's data, read the repository's public/.
[ -d "$WORK/public" ] || export REFILLED_ROOT="$REPO"
echo "node $("$WORK/node" --version), data from ${REFILLED_ROOT:-$WORK}/public; bundles: $(cd "$WORK" && ls *.mjs | tr '\n' ' ')"
[ "$UNPACK_ONLY" = 1 ] && exit 0

if [ -f "$WORK/kernel-check.mjs" ]; then
  echo "== fused kernels against their reference loops (node-webgpu)"
  timeout 120 "$WORK/node" "$WORK/kernel-check.mjs" --backend webgpu
  echo "kernel check exit code: $?"
fi

echo "== bench ($BACKENDS, conv gradient $CONV, fused kernels $FUSED, PyTorch): $STEPS rounds"
timeout 420 "$WORK/node" "$WORK/bench.mjs" --backends "$BACKENDS" --conv-gradient "$CONV" --fused "$FUSED" --steps "$STEPS" --leak-steps "$LEAK_STEPS" --out "$OUT_DIR" "${TORCH_FLAG[@]}"
echo "bench exit code: $?"

if [ "$DEMO" = 1 ]; then
  if grep -q '"backend": "node webgpu"' "$OUT_DIR/bench.json" 2>/dev/null; then
    echo "== default demo on node-webgpu (both stages, through the CLI)"
    t0=$(date +%s.%N)
    timeout 240 "$WORK/node" "$WORK/refilled.mjs" --backend webgpu --json > "$OUT_DIR/demo-webgpu.json" 2> "$OUT_DIR/demo-webgpu.log"
    rc=$?
    t1=$(date +%s.%N)
    tail -4 "$OUT_DIR/demo-webgpu.log"
    echo "default demo on node-webgpu: exit $rc, wall $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s (process start to exit, data loading included)"
  else
    echo "default demo on node-webgpu: skipped (no WebGPU adapter)"
  fi
fi
echo "results in $OUT_DIR"
