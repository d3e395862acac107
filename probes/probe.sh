#!/bin/sh
# jetllm's image probe: what this container sees of the GPU and of its backend,
# as key=value lines. Runs with the entrypoint replaced, no network, no model.
# A fact that cannot be read is printed empty. POSIX sh only.
here=${0%/*}
say() { printf '%s=%s\n' "$1" "$2"; }

say probe_version 1
say arch "$(uname -m 2>/dev/null)"

# libcuda.so.1: where the loader would find it (LD_LIBRARY_PATH, then the usual places).
dirs=
old_ifs=$IFS; IFS=:
for d in ${LD_LIBRARY_PATH:-}; do dirs="$dirs $d"; done
IFS=$old_ifs
dirs="$dirs /usr/lib/aarch64-linux-gnu/nvidia /usr/lib/aarch64-linux-gnu/tegra /usr/lib/aarch64-linux-gnu
 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib
 /usr/local/cuda/compat /usr/local/cuda/compat/lib /usr/local/cuda/lib64 /usr/local/cuda/lib64/stubs"
libcuda=
for d in $dirs; do
    if [ -e "$d/libcuda.so.1" ]; then libcuda="$d/libcuda.so.1"; break; fi
done
target=$libcuda
if [ -n "$libcuda" ]; then
    resolved=$(readlink -f "$libcuda" 2>/dev/null) && [ -n "$resolved" ] && target=$resolved
fi
say libcuda "$libcuda"
say libcuda_target "$target"

# Device nodes the runtime hands over: /dev/nvidia* on servers, /dev/nvmap and /dev/nvhost-* on Jetson.
nodes=
for f in /dev/nvidia* /dev/nvmap /dev/nvhost-*; do
    [ -e "$f" ] && nodes="$nodes $f"
done
say dev_nodes "${nodes# }"

# The L4T release the image was built on (Jetson images carry the BSP's file).
line=
[ -r /etc/nv_tegra_release ] && read -r line < /etc/nv_tegra_release
say nv_tegra_release "$line"
say cuda_version "${CUDA_VERSION:-}"

# The image's Python: the driver's CUDA version through ctypes, torch and the servers' versions.
py=
for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1; then py=$p; break; fi
done
say python "$py"
[ -n "$py" ] && "$py" "$here/probe.py" 2>&1

# llama.cpp's server lists the devices it can use.
server=
for s in llama-server /app/llama-server /usr/local/bin/llama-server; do
    if command -v "$s" >/dev/null 2>&1; then server=$s; break; fi
done
say llama_server "$server"
if [ -n "$server" ]; then
    "$server" --list-devices 2>&1 | while IFS= read -r l; do say llama_devices "$l"; done
fi

# Ollama's client prints its version (and that no server runs: none is started here). On a
# Jetson it finds its CUDA libraries by JETSON_JETPACK, else the image's /etc/nv_tegra_release.
ollama=$(command -v ollama 2>/dev/null)
say ollama "$ollama"
say jetson_jetpack "${JETSON_JETPACK:-}"
if [ -n "$ollama" ]; then
    "$ollama" --version 2>&1 | while IFS= read -r l; do say ollama_version_line "$l"; done
fi
say probe_done 1
