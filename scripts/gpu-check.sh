#!/usr/bin/env bash
# The GPU check, made to travel: `pack` (here, with npm) puts into .gpu-check/ everything a GPU machine without
# network or Node.js needs: this machine's node (xz), the engine and bench/gpuCheck.ts bundled into one file, Dawn's
# linux-x64 binary, the PyTorch reference script and the Vulkan loader's .deb files. `run` (there, from the repo
# root with .gpu-check carried) unpacks them and runs the check in under 2 minutes; it prints the adapter, the
# parity check, ResNet-20 and ResNet-18 training img/s at batch 128 with and without the regularizer, and the
# WebGPU/PyTorch-CUDA ratio, and copies gpu-check.json to $OUT when set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=.gpu-check

pack() {
  rm -rf "$dir" && mkdir -p "$dir/gl"
  npx esbuild bench/gpuCheck.ts --bundle --platform=node --target=node20 --log-level=warning --outfile="$dir/gpuCheck.js"
  cp node_modules/webgpu/dist/linux-x64/dawn.node "$dir/dawn.node"
  cp bench/torch_resnet20.py "$dir/"
  xz -9 -T0 -c "$(command -v node)" > "$dir/node.xz"
  # The Vulkan loader (GPU machines may have the NVIDIA driver's ICD but no loader), downloaded, not installed.
  local o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/gpu-check-apt)
  mkdir -p /tmp/gpu-check-apt/partial
  apt-get "${o[@]}" update -qq && (cd "$dir/gl" && apt-get "${o[@]}" download libvulkan1 >/dev/null)
  du -sh "$dir"
}

run() {
  [ -f "$dir/gpuCheck.js" ] || { echo "no $dir/: run 'bash scripts/gpu-check.sh pack' first and carry $dir" >&2; exit 1; }
  if ! ldconfig -p | grep -q libvulkan.so.1; then
    for f in "$dir"/gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && [ ! -d /usr/share/vulkan/icd.d ]; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  fi
  local node=/tmp/gpu-check-node
  [ -x "$node" ] || { xz -dc "$dir/node.xz" > "$node" && chmod +x "$node"; }
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader || true
  SELECTIVITY_LENS_DAWN="$PWD/$dir/dawn.node" GPU_CHECK_OUT="${OUT:-$dir}/gpu-check.json" timeout 170 "$node" "$dir/gpuCheck.js"
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-check.sh pack|run" >&2; exit 2 ;;
esac
