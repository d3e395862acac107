"""Doctor's judgement: facts in, checks out (pure; no machine needed)."""

from __future__ import annotations

from typing import Any

import pytest

from jetllm.core.checks import GIB, Check, Status
from jetllm.core.exitcodes import ExitCode
from jetllm.core.facts import HostFacts
from jetllm.doctor import exit_code, run_checks

X86_NO_GPU: dict[str, Any] = {
    "platform": {"arch": "x86_64"},
    "nvml": {"available": False, "error": "NVML library libnvidia-ml.so.1 not found"},
    "docker": {
        "reachable": True, "server_version": "20.10.24", "runtimes": ["runc"], "default_runtime": "runc",
        "root_dir": "/var/lib/docker", "root_dir_free_bytes": 100 * GIB,
    },
    "system": {
        "memory_total_bytes": 32 * GIB, "memory_available_bytes": 30 * GIB, "swap_total_bytes": 0,
        "hf_cache_dir": "/home/u/.cache/huggingface/hub", "hf_cache_free_bytes": 100 * GIB,
    },
}
ORIN = {
    "platform": {"arch": "aarch64"},
    "jetson": {"is_jetson": True, "model": "NVIDIA Jetson Orin NX Engineering Reference Developer Kit",
               "soc": "nvidia,tegra234", "cuda_arch": "8.7", "l4t": "36.4.3", "jetpack": "6.2"},
    "nvml": {"available": True, "driver_version": "540.4.0", "cuda_driver_version": "12.6", "shared_memory": True,
             "gpus": [{"index": 0, "name": "Orin (nvgpu)", "compute_capability": "8.7",
                       "not_supported": ["nvmlDeviceGetMemoryInfo", "nvmlDeviceGetComputeRunningProcesses"]}]},
    "docker": {**X86_NO_GPU["docker"], "runtimes": ["nvidia", "runc"], "default_runtime": "nvidia"},
    "system": {"memory_total_bytes": 15 * GIB, "memory_available_bytes": 12 * GIB, "swap_total_bytes": 8 * GIB,
               "nvmap_used_bytes": GIB // 4, "hf_cache_dir": "/ssd/hf", "hf_cache_free_bytes": 200 * GIB},
}


def facts(base: dict[str, Any], **changes: dict[str, Any]) -> HostFacts:
    document = {key: dict(value) for key, value in base.items()}
    for section, fields in changes.items():
        document[section] = {**document.get(section, {}), **fields}
    return HostFacts.model_validate(document)


def by_id(host: HostFacts) -> dict[str, Check]:
    return {check.id: check for check in run_checks(host)}


def test_machine_without_gpu_fails_driver_and_runtime_with_fixes():
    checks = by_id(facts(X86_NO_GPU))
    assert checks["nvidia-driver"].status is Status.FAIL
    assert "libnvidia-ml.so.1 not found" in checks["nvidia-driver"].message
    assert "nvidia-smi" in checks["nvidia-driver"].fix
    runtime = checks["nvidia-runtime"]
    assert runtime.status is Status.FAIL
    assert "nvidia-container-toolkit" in runtime.fix
    assert "sudo nvidia-ctk runtime configure --runtime=docker" in runtime.fix
    assert "sudo systemctl restart docker" in runtime.fix
    assert "--set-as-default" not in runtime.fix  # only Jetson images need it as the default
    assert exit_code(list(checks.values())) is ExitCode.NOT_WORKING


def test_healthy_orin_passes_and_says_memory_is_shared():
    checks = run_checks(facts(ORIN))
    assert [c.id for c in checks][0] == "jetson-release"
    assert all(c.status is Status.PASS for c in checks), [c for c in checks if c.status is not Status.PASS]
    assert exit_code(checks) is ExitCode.OK
    found = {c.id: c for c in checks}
    assert "L4T 36.4.3 (JetPack 6.2)" in found["jetson-release"].message
    assert "driver 540.4.0, supports CUDA 12.6" in found["nvidia-driver"].message
    assert "shared system memory: 12.0 GiB available of 15.0 GiB" in found["gpu-memory"].message
    assert "MemAvailable" in found["gpu-memory"].message


def test_jetpack5_without_nvml_is_not_a_missing_driver():
    host = facts(ORIN, jetson={"l4t": "35.4.1", "jetpack": "5.1.2"}, nvml={"available": False, "gpus": [], "error": "x"})
    check = by_id(host)["nvidia-driver"]
    assert check.status is Status.PASS
    assert "L4T 35.4.1 (JetPack 5.1.2)" in check.message


def test_an_l4t_release_no_parser_reads_is_judged_not_a_crash():
    """Facts saved elsewhere may hold any L4T text: doctor reads it with the one version parser."""
    host = facts(ORIN, jetson={"l4t": "R36 unknown", "jetpack": None}, nvml={"available": False, "gpus": [], "error": "x"})
    check = by_id(host)["nvidia-driver"]
    assert check.status is Status.WARN and "L4T R36 unknown" in check.message


def test_jetson_without_l4t_gets_the_jetpack_fix():
    host = facts(ORIN, jetson={"l4t": None, "jetpack": None, "error": "/etc/nv_tegra_release not found"},
                 nvml={"available": False, "gpus": []})
    checks = by_id(host)
    assert checks["nvidia-driver"].status is Status.FAIL
    assert "JetPack" in checks["nvidia-driver"].fix and "SDK Manager" in checks["nvidia-driver"].fix
    assert checks["jetson-release"].status is Status.FAIL


def test_unknown_l4t_release_warns_but_does_not_fail():
    check = by_id(facts(ORIN, jetson={"l4t": "36.9.9", "jetpack": None}))["jetson-release"]
    assert check.status is Status.WARN
    assert "36.9.9" in check.message


def test_jetson_needs_nvidia_as_default_runtime():
    check = by_id(facts(ORIN, docker={"default_runtime": "runc"}))["nvidia-runtime"]
    assert check.status is Status.WARN
    assert "--set-as-default" in check.fix and '"default-runtime": "nvidia"' in check.fix


def test_jetson_without_runtime_gets_jetpack_package():
    check = by_id(facts(ORIN, docker={"runtimes": ["runc"], "default_runtime": "runc"}))["nvidia-runtime"]
    assert check.status is Status.FAIL
    assert "sudo apt install nvidia-container" in check.fix


@pytest.mark.parametrize(
    ("kind", "fix"),
    [
        ("not_running", "sudo systemctl start docker"),
        ("permission_denied", "sudo usermod -aG docker $USER"),
        ("not_installed", "sudo apt install docker.io"),
    ],
)
def test_docker_unreachable_says_why_and_fix(kind, fix):
    host = facts(X86_NO_GPU, docker={"reachable": False, "error_kind": kind, "error": "boom"})
    checks = by_id(host)
    assert checks["docker"].status is Status.FAIL
    assert fix in checks["docker"].fix
    assert checks["nvidia-runtime"].status is Status.WARN  # unknown, not claimed missing


@pytest.mark.parametrize(
    ("free_gib", "docker_status", "models_status"),
    [(5, Status.FAIL, Status.FAIL), (15, Status.FAIL, Status.WARN), (35, Status.WARN, Status.PASS), (60, Status.PASS, Status.PASS)],
)
def test_disk_thresholds(free_gib, docker_status, models_status):
    host = facts(X86_NO_GPU, docker={"root_dir_free_bytes": free_gib * GIB},
                 system={"hf_cache_free_bytes": free_gib * GIB})
    checks = by_id(host)
    assert checks["docker-disk"].status is docker_status
    assert checks["models-disk"].status is models_status
    if docker_status is not Status.PASS:
        assert "8-20 GiB" in checks["docker-disk"].message


def test_unknown_disk_is_a_warning_with_the_reason():
    host = facts(X86_NO_GPU, docker={"root_dir_free_bytes": None, "root_dir_free_error": "the daemon is not on this machine"})
    check = by_id(host)["docker-disk"]
    assert check.status is Status.WARN and "not on this machine" in check.message


@pytest.mark.parametrize(
    ("total_gib", "swap_gib", "jetson", "status"),
    [(15, 0, True, Status.WARN), (7, 0, True, Status.WARN), (15, 8, True, Status.PASS),
     (30, 0, True, Status.PASS), (15, 0, False, Status.PASS)],
)
def test_swap_on_small_jetsons(total_gib, swap_gib, jetson, status):
    base = ORIN if jetson else X86_NO_GPU
    host = facts(base, system={"memory_total_bytes": total_gib * GIB, "swap_total_bytes": swap_gib * GIB})
    check = by_id(host)["swap"]
    assert check.status is status
    if status is Status.WARN:
        assert "mkswap" in check.fix and "swapon" in check.fix


def test_gpu_memory_held_by_a_process():
    server = facts(X86_NO_GPU, nvml={"available": True, "driver_version": "570.124.06", "cuda_driver_version": "12.8",
                                     "gpus": [{"index": 0, "name": "NVIDIA H100 80GB HBM3", "compute_capability": "9.0",
                                               "memory_total_bytes": 80 * GIB, "memory_used_bytes": 21 * GIB,
                                               "processes": [{"pid": 4242, "used_memory_bytes": 20 * GIB, "name": "python3"}]}]})
    check = by_id(server)["gpu-memory"]
    assert check.status is Status.WARN
    assert "pid 4242 python3 holds 20.0 GiB on GPU 0" in check.message
    assert "kill PID" in check.fix


def test_gpu_memory_on_jetson_reads_nvmap_and_containers():
    busy = by_id(facts(ORIN, system={"nvmap_used_bytes": 6 * GIB}))["gpu-memory"]
    assert busy.status is Status.WARN and "NvMapMemUsed is 6.0 GiB" in busy.message
    held = by_id(facts(ORIN, docker={"gpu_containers": ["ollama"]}))["gpu-memory"]
    assert held.status is Status.WARN and "ollama" in held.message and "docker stop" in held.fix


def test_leftover_containers_point_at_gc():
    check = by_id(facts(X86_NO_GPU, docker={"leftover_containers": ["jetllm-vllm-1a2b"]}))["leftover-containers"]
    assert check.status is Status.WARN
    assert check.fix == "jetllm gc"


KEPT = {"name": "jetllm-vllm-r1-aa", "run": "r1", "state": "kept", "reason": "kept with --keep"}
RUNNING = {"name": "jetllm-vllm-r2-bb", "run": "r2", "state": "running",
           "reason": "its jetllm process 4242 is still running"}
ORPHANED = {"name": "jetllm-vllm-r3-cc", "run": "r3", "state": "orphaned", "reason": "its jetllm process 77 is gone"}


def test_kept_and_running_containers_are_named_but_not_warned_about():
    check = by_id(facts(X86_NO_GPU, docker={"jetllm_containers": [KEPT, RUNNING]}))["leftover-containers"]
    assert check.status is Status.PASS and check.fix is None
    assert "jetllm-vllm-r1-aa (kept with --keep; remove with `jetllm gc --run r1`)" in check.message
    assert "jetllm-vllm-r2-bb (its jetllm process 4242 is still running)" in check.message


def test_only_the_orphan_is_the_warning():
    docker = {"jetllm_containers": [KEPT, ORPHANED, RUNNING], "leftover_containers": [ORPHANED["name"]]}
    check = by_id(facts(X86_NO_GPU, docker=docker))["leftover-containers"]
    assert check.status is Status.WARN and check.fix == "jetllm gc"
    assert check.message.startswith("1 container(s) a killed jetllm run left: jetllm-vllm-r3-cc;")
    assert KEPT["name"] in check.message and RUNNING["name"] in check.message


@pytest.mark.parametrize("host", [X86_NO_GPU, ORIN])
def test_every_warning_and_failure_carries_a_fix(host):
    variants = [
        facts(host),
        facts(host, docker={"reachable": False, "error_kind": "not_running", "error": "x"}),
        facts(host, system={"swap_total_bytes": 0, "hf_cache_free_bytes": GIB, "nvmap_used_bytes": 9 * GIB}),
    ]
    for variant in variants:
        for check in run_checks(variant):
            assert (check.fix is not None) == (check.status is not Status.PASS), check
