"""The probe's parts without Docker: probes/probe.py run by a real python3 against a fake
`torch` package (the stand-in the fixture images use prints what this prints), probe.sh
run by this machine's sh, and judge() over what they print."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jetllm.core.facts import HostFacts
from jetllm.core.spec import GpuHandover
from jetllm.runtime.probe import judge, parse, probes_dir

HOSTS = Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts"
ORIN = HostFacts.model_validate(json.loads((HOSTS / "orin-nx-r36.4.3.json").read_text()))
CPU_HOST = HostFacts.model_validate(json.loads((HOSTS / "x86-cpu.json").read_text()))

FAKE_TORCH = '''
__version__ = "2.8.0"
class version:
    cuda = "12.6"
class cuda:
    @staticmethod
    def get_arch_list():
        return {archs!r}
    @staticmethod
    def is_available():
        return True
    @staticmethod
    def get_device_name(index):
        return "Orin"
    @staticmethod
    def get_device_capability(index):
        return (8, 7)
'''


def run_python_part(tmp_path: Path, archs: list[str]) -> str:
    package = tmp_path / "torch"
    package.mkdir()
    (package / "__init__.py").write_text(FAKE_TORCH.format(archs=archs))
    done = subprocess.run([sys.executable, str(probes_dir() / "probe.py")], capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=60, check=True)
    return done.stdout


def test_the_python_part_reads_torch(tmp_path):
    facts, _ = parse(run_python_part(tmp_path, ["sm_90", "compute_90"]))
    assert facts.torch_version == "2.8.0" and facts.torch_cuda == "12.6"
    assert facts.torch_arch_list == ("sm_90", "compute_90")
    assert facts.torch_cuda_available is True and facts.torch_device == "Orin" and facts.torch_capability == "8.7"
    assert facts.cuda_driver_error and "libcuda.so.1" in facts.cuda_driver_error  # no driver here


def test_an_arch_list_without_the_gpu_is_unsupported_gpu(tmp_path):
    facts, _ = parse(run_python_part(tmp_path, ["sm_90", "compute_90"]))
    classes = [p.failure_class.value for p in judge(facts, ORIN, GpuHandover.NONE)]
    assert "unsupported_gpu" not in classes  # no GPU handed over: nothing to run on
    found = [p for p in judge(facts, ORIN, GpuHandover.RUNTIME) if p.failure_class.value == "unsupported_gpu"]
    assert len(found) == 1 and "sm_87" in found[0].message and "sm_90 compute_90" in found[0].message


def test_a_cubin_of_the_same_major_or_older_ptx_runs():
    for archs in (["sm_80", "sm_90"], ["sm_87"], ["sm_72", "compute_72"]):
        facts, _ = parse(_torch_lines(archs))
        assert "unsupported_gpu" not in [p.failure_class.value for p in judge(facts, ORIN, GpuHandover.RUNTIME)]


def _torch_lines(archs: list[str]) -> str:
    return f"torch_version=2.8.0\ntorch_cuda=12.6\ntorch_arch_list={' '.join(archs)}\nprobe_done=1\n"


def test_the_sh_part_runs_here_and_finishes(tmp_path):
    done = subprocess.run(["sh", str(probes_dir() / "probe.sh")], capture_output=True, text=True, timeout=60)
    facts, finished = parse(done.stdout)
    assert finished and done.returncode == 0
    assert facts.libcuda is None  # this machine has no NVIDIA driver
    assert judge(facts, CPU_HOST, GpuHandover.NONE) == []  # no GPU handed over: nothing missing


def test_a_newer_cuda_than_the_driver_is_driver_too_old():
    facts, _ = parse("libcuda=/usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1\ndev_nodes=/dev/nvmap\n"
                     "cuda_init=0\ncuda_driver_version=12.6\ncuda_version=13.0.1\nprobe_done=1\n")
    (problem,) = judge(facts, ORIN, GpuHandover.RUNTIME)
    assert problem.failure_class.value == "driver_too_old"
    assert "needs CUDA 13.0.1" in problem.message and "supports CUDA 12.6" in problem.message


def test_a_torch_that_does_not_import_goes_through_the_classifier():
    facts, _ = parse("libcuda=/usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1\ndev_nodes=/dev/nvmap\n"
                     "torch_error=ImportError: libcudnn.so.9: cannot open shared object file: No such file or directory\n"
                     "probe_done=1\n")
    (problem,) = judge(facts, ORIN, GpuHandover.RUNTIME)
    assert problem.failure_class.value == "library_mismatch" and "libcudnn.so.9" in problem.message


def test_cuinit_saying_the_driver_is_insufficient_is_driver_too_old():
    for code in (35, 804):  # CUDA_ERROR_INSUFFICIENT_DRIVER, CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE
        facts, _ = parse("libcuda=/usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1\ndev_nodes=/dev/nvmap\n"
                         f"cuda_init={code}\ncuda_version=13.0.1\nprobe_done=1\n")
        (problem,) = judge(facts, ORIN, GpuHandover.RUNTIME)
        assert problem.failure_class.value == "driver_too_old"
        assert "(too old to say)" in problem.message
