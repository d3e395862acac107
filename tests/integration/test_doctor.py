"""`jetllm doctor` as a user runs it: the real CLI in a subprocess, a real Docker
daemon, fixture trees of Jetson files, and an NVML shim found by pynvml's
normal library search (LD_LIBRARY_PATH)."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.nvml_shim.build import DEVICE_ENV, DEVICES, build
from tests.support.needs import as_nobody

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[2]
HOSTS = REPO / "tests" / "fixtures" / "hosts"
GIB = 1024**3


@pytest.fixture(scope="session")
def nvml_shim(tmp_path_factory) -> Path:
    """The directory holding the shim's libnvidia-ml.so.1 (built once per session)."""
    return build(tmp_path_factory.mktemp("nvml_shim")).parent


def _real_nvml_present() -> bool:
    try:
        ctypes.CDLL("libnvidia-ml.so.1")
    except OSError:
        return False
    return True


def shim_env(shim_dir: Path, device: str, **extra: str) -> dict[str, str]:
    return {"LD_LIBRARY_PATH": str(shim_dir), DEVICE_ENV: str(DEVICES / device), **extra}


def checks_of(document: dict) -> dict[str, dict]:
    return {check["id"]: check for check in document["checks"]}


def test_no_gpu_here_fails_driver_and_runtime(jetllm, docker_client):
    if _real_nvml_present():
        pytest.skip("this machine has a real NVIDIA driver")
    table = jetllm("doctor")
    assert table.exit_code == 1
    words = " ".join(table.stdout.split())  # the terminal may wrap a long fix
    for expected in ("FAIL nvidia-driver", "FAIL nvidia-runtime", "sudo nvidia-ctk runtime configure --runtime=docker"):
        assert expected in words
    result = jetllm("doctor", "--json")
    assert result.exit_code == 1
    document = result.data()  # the whole of stdout is one JSON document
    assert set(document) == {"facts", "checks"}
    checks = checks_of(document)
    assert checks["nvidia-driver"]["status"] == "fail"
    assert "libnvidia-ml.so.1 not found" in checks["nvidia-driver"]["message"]
    assert checks["nvidia-runtime"]["status"] == "fail"
    assert checks["docker"]["status"] == "pass"
    info = docker_client.info()
    docker = document["facts"]["docker"]
    assert docker["reachable"] is True
    assert docker["server_version"] == info["ServerVersion"]
    assert docker["runtimes"] == sorted(info["Runtimes"])
    assert docker["default_runtime"] == info["DefaultRuntime"]
    assert docker["root_dir"] == info["DockerRootDir"]
    assert docker["root_dir_free_bytes"] > 0
    assert document["facts"]["nvml"]["available"] is False
    for check in document["checks"]:
        assert set(check) == {"id", "status", "message", "fix"}


def test_orin_nx_r36_4_3_with_nvml_playing_jetson(jetllm, nvml_shim, docker_client):
    env = shim_env(nvml_shim, "orin-nx-r36.4.3.conf", JETLLM_HOST_ROOT=str(HOSTS / "orin-nx-r36.4.3"))
    document = jetllm("doctor", "--json", env=env).data()
    facts = document["facts"]
    assert facts["platform"]["arch"] == "aarch64"
    assert (facts["jetson"]["l4t"], facts["jetson"]["jetpack"]) == ("36.4.3", "6.2")
    nvml = facts["nvml"]
    assert (nvml["driver_version"], nvml["cuda_driver_version"]) == ("540.4.0", "12.6")
    gpu = nvml["gpus"][0]
    assert gpu["name"] == "Orin (nvgpu)" and gpu["compute_capability"] == "8.7"
    assert gpu["memory_total_bytes"] is None and gpu["processes"] is None
    assert set(gpu["not_supported"]) == {"nvmlDeviceGetMemoryInfo", "nvmlDeviceGetComputeRunningProcesses"}
    assert nvml["shared_memory"] is True
    assert facts["system"]["memory_total_bytes"] == 15655428 * 1024  # /proc/meminfo, not NVML
    checks = checks_of(document)
    assert checks["nvidia-driver"]["status"] == "pass"
    assert "shared system memory" in checks["gpu-memory"]["message"]
    assert checks["swap"]["status"] == "warn"  # 16 GB board, swap off in this tree


def test_jetpack5_board_without_nvml(jetllm, docker_client):
    if _real_nvml_present():
        pytest.skip("this machine has a real NVIDIA driver")
    document = jetllm("doctor", "--json", env={"JETLLM_HOST_ROOT": str(HOSTS / "xavier-nx-r35.4.1")}).data()
    facts, checks = document["facts"], checks_of(document)
    assert (facts["jetson"]["l4t"], facts["jetson"]["jetpack"], facts["jetson"]["cuda_arch"]) == ("35.4.1", "5.1.2", "7.2")
    assert facts["nvml"]["available"] is False
    assert checks["nvidia-driver"]["status"] == "pass"
    assert "L4T 35.4.1" in checks["nvidia-driver"]["message"]


def test_x86_server_with_a_process_on_the_gpu(jetllm, nvml_shim, docker_client):
    document = jetllm("doctor", "--json", env=shim_env(nvml_shim, "x86-h100.conf")).data()
    gpu = document["facts"]["nvml"]["gpus"][0]
    assert gpu["name"] == "NVIDIA H100 80GB HBM3"
    assert gpu["memory_total_bytes"] == 85520809984
    assert gpu["processes"] == [{"pid": 4242, "used_memory_bytes": 20 * GIB, "name": "python3"}]
    checks = checks_of(document)
    assert checks["nvidia-driver"]["status"] == "pass"
    assert "driver 570.124.06, supports CUDA 12.8" in checks["nvidia-driver"]["message"]
    assert checks["gpu-memory"]["status"] == "warn"
    assert "pid 4242 python3" in checks["gpu-memory"]["message"]


def test_driver_installed_but_not_loaded(jetllm, nvml_shim, tmp_path, docker_client):
    device = tmp_path / "unloaded.conf"
    device.write_text("init = DRIVER_NOT_LOADED\n")
    env = {"LD_LIBRARY_PATH": str(nvml_shim), DEVICE_ENV: str(device)}
    result = jetllm("doctor", "--json", env=env)
    assert result.exit_code == 1
    check = checks_of(result.data())["nvidia-driver"]
    assert check["status"] == "fail" and "not loaded" in check["message"]


def test_docker_not_running(jetllm):
    result = jetllm("doctor", "--json", env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    assert result.exit_code == 1
    document = result.data()
    assert document["facts"]["docker"]["error_kind"] == "not_running"
    check = checks_of(document)["docker"]
    assert check["status"] == "fail"
    assert "unix:///nonexistent.sock" in check["message"]
    assert check["fix"].startswith("sudo systemctl start docker")


def test_docker_socket_permission_denied():
    # A listening socket the user may not open. Root ignores file modes, so as
    # root the doctor runs as nobody (setpriv), as a user outside the docker group would.
    directory = Path(tempfile.mkdtemp(prefix="jetllm-sock-"))
    os.chmod(directory, 0o755)
    path = directory / "docker.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        server.listen(1)
        os.chmod(path, 0)
        command = as_nobody([sys.executable, "-m", "jetllm", "doctor", "--json"])
        env = {**os.environ, "DOCKER_HOST": f"unix://{path}", "HOME": str(directory), "NO_COLOR": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    finally:
        server.close()
        shutil.rmtree(directory, ignore_errors=True)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)["data"]
    assert document["facts"]["docker"]["error_kind"] == "permission_denied"
    check = checks_of(document)["docker"]
    assert check["status"] == "fail"
    assert "sudo usermod -aG docker $USER" in check["fix"]


def test_leftover_and_gpu_containers(jetllm, docker_client):
    import docker

    from jetllm.facts.docker_host import holds_gpu
    from tests.support.images import build_image

    image = build_image(docker_client, "jetllm-test-doctor", {}, 'CMD ["sleep", "600"]\n')
    run = uuid.uuid4().hex[:12]
    older = f"jetllm-doctor-older-{run}"  # left by a jetllm that wrote no owner labels
    leftover = docker_client.containers.create(image, labels={"jetllm.managed": "1", "jetllm.run": run}, name=older)
    running = docker_client.containers.run(image, detach=True, name=f"jetllm-doctor-plain-{run}")
    gpu_request = docker_client.containers.create(
        image, device_requests=[docker.types.DeviceRequest(count=-1, capabilities=[["gpu"]])]
    )
    try:
        document = jetllm("doctor", "--json").data()
        docker_facts = document["facts"]["docker"]
        assert {"name": older, "run": run, "state": "unknown",
                "reason": "no owner labels: an older jetllm started it"} in docker_facts["jetllm_containers"]
        assert older not in docker_facts["leftover_containers"]  # it may be a live run's
        assert running.name not in docker_facts["gpu_containers"]
        check = checks_of(document)["leftover-containers"]
        assert f"{older} (no owner labels: an older jetllm started it; remove with `jetllm gc --run {run}`)" \
            in check["message"]
        gpu_request.reload()
        assert holds_gpu(gpu_request.attrs)  # what `docker run --gpus all` records
        running.reload()
        assert not holds_gpu(running.attrs)
    finally:
        for container in (leftover, running, gpu_request):
            container.remove(force=True)


def test_saved_facts_are_judged_like_the_machine(jetllm, nvml_shim, tmp_path, docker_client):
    env = shim_env(nvml_shim, "orin-nx-r36.4.3.conf", JETLLM_HOST_ROOT=str(HOSTS / "orin-nx-r36.4.3"))
    live = jetllm("doctor", "--json", env=env)
    saved = tmp_path / "orin.json"
    saved.write_text(live.stdout)
    again = jetllm("doctor", "--json", "--facts", str(saved))
    assert again.exit_code == live.exit_code
    assert again.data() == live.data()


def test_bad_facts_file_is_usage_error(jetllm, tmp_path):
    bad = tmp_path / "facts.json"
    bad.write_text('{"facts": {"platform": {}}}')
    result = jetllm("doctor", "--facts", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "facts.json: field 'platform.arch': required field is missing" in result.stderr
    assert "Traceback" not in result.stderr
