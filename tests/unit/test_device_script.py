"""bench/device/run needs a real NVIDIA GPU: on a host without one (this one) it stops at
once with one clear line and writes nothing; its NVML shim compiles with gcc."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.needs import unavailable

DEVICE = Path(__file__).parents[2] / "bench" / "device"


def test_without_a_gpu_it_says_so_in_one_line(tmp_path):
    try:
        import ctypes

        ctypes.CDLL("libcuda.so.1")
        pytest.skip("this host has an NVIDIA driver")
    except OSError:
        pass
    out = tmp_path / "out"
    done = subprocess.run([str(DEVICE / "run")], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "OUT": str(out)})
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("bench/device/run: this host has no NVIDIA GPU to check: no NVIDIA driver")
    assert not out.exists()


def test_the_nvml_shim_builds(tmp_path):
    if shutil.which("gcc") is None:
        unavailable("gcc builds the NVML shim")
    library = tmp_path / "libnvml_not_supported.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(library), str(DEVICE / "nvml_not_supported.c"),
                    "-ldl"], check=True, timeout=60)
    symbols = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True,
                             check=True).stdout
    for name in ("dlsym", "nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetComputeRunningProcesses_v3"):
        assert f" T {name}\n" in symbols
