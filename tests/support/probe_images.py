"""Fixture images for `jetllm probe`, FROM scratch with busybox-static (the probe's sh)
and only the files the probe reads: a libcuda (a driver's as the runtime would mount
it, or the CUDA toolkit's stub), /etc/nv_tegra_release, a `python3` and a
`llama-server` standing in with the lines the real ones print."""

from __future__ import annotations

import docker

from tests.support.images import build_image

LIB = "/usr/lib/aarch64-linux-gnu"
R36 = "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025\n"
R35 = "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023\n"
# What probes/probe.py prints for an x86/SBSA torch wheel (no sm_87) on an Orin (cc 8.7).
TORCH_SBSA = """#!/bin/sh
echo cuda_init=0
echo cuda_driver_version=12.6
echo torch_version=2.8.0
echo torch_cuda=12.6
echo torch_arch_list=sm_90 compute_90
echo torch_cuda_available=1
echo torch_device=Orin
echo torch_capability=8.7
"""
# llama.cpp's `--list-devices` of a CPU-only build (common/arg.cpp, common_print_available_devices).
LLAMA_CPU = """#!/bin/sh
echo "Available devices:"
echo "  (none)"
"""
# Ollama's client with no server running (cmd/cmd.go: the version check's warnings).
OLLAMA = """#!/bin/sh
echo "Warning: could not connect to a running Ollama instance"
echo "Warning: client version is 0.12.3"
"""
SLEEPY_PYTHON = "#!/bin/sh\nsleep 600\n"
_DRIVER = (f"RUN mkdir -p {LIB}/tegra && echo driver > {LIB}/tegra/libcuda.so.1.1 "
           f"&& ln -s libcuda.so.1.1 {LIB}/tegra/libcuda.so.1\n")


def _image(client: docker.DockerClient, name: str, tail: str, files: dict[str, bytes | str] | None = None) -> str:
    return build_image(client, f"jetllm-test/probe-{name}", files or {}, tail)


def bare(client: docker.DockerClient) -> str:
    """No libcuda at all: the GPU runtime mounted nothing."""
    return _image(client, "bare", "")


def stub(client: docker.DockerClient) -> str:
    """Only the CUDA toolkit's stub libcuda, linked where the loader finds it."""
    return _image(client, "stub", f"RUN mkdir -p /usr/local/cuda/lib64/stubs {LIB} "
                  f"&& echo stub > /usr/local/cuda/lib64/stubs/libcuda.so "
                  f"&& ln -s /usr/local/cuda/lib64/stubs/libcuda.so {LIB}/libcuda.so.1\n")


def jetson(client: docker.DockerClient, release: str = R36) -> str:
    """A driver libcuda and the image's own /etc/nv_tegra_release."""
    return _image(client, f"jetson-r{release[3:5]}", _DRIVER + "COPY nv_tegra_release /etc/nv_tegra_release\n",
                  {"nv_tegra_release": release})


def torch_sbsa(client: docker.DockerClient) -> str:
    return _image(client, "torch", _DRIVER + "COPY nv_tegra_release /etc/nv_tegra_release\n"
                  "COPY python3 /usr/bin/python3\n", {"nv_tegra_release": R36, "python3": TORCH_SBSA})


def llama_cpu(client: docker.DockerClient) -> str:
    return _image(client, "llama-cpu", _DRIVER + "COPY nv_tegra_release /etc/nv_tegra_release\n"
                  "COPY llama-server /usr/bin/llama-server\n", {"nv_tegra_release": R36, "llama-server": LLAMA_CPU})


def sleepy(client: docker.DockerClient) -> str:
    """A `python3` that never returns: the probe's time limit must end it."""
    return _image(client, "sleepy", _DRIVER + "COPY python3 /usr/bin/python3\n", {"python3": SLEEPY_PYTHON})


def ollama(client: docker.DockerClient, jetpack: str | None = None) -> str:
    """Ollama's binary with no /etc/nv_tegra_release; JETSON_JETPACK set when `jetpack` is."""
    env = f"ENV JETSON_JETPACK={jetpack}\n" if jetpack else ""
    return _image(client, f"ollama{jetpack or ''}", _DRIVER + "COPY ollama /usr/bin/ollama\n" + env, {"ollama": OLLAMA})
