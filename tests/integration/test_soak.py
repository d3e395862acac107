"""`jetllm soak` against fixture backends we start here: a stable soak with the
container's memory sampled and a Prometheus textfile; a backend that dies mid-soak,
classified from its log; Ctrl-C ends it with the figures so far (exit 130)."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import free_port
from tests.support.cli import start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


@pytest.fixture
def backend(docker_client: Any) -> Any:
    """start(*args) -> (container name, base URL) of a fakellm serving on 127.0.0.1."""
    started: list[Any] = []

    def start(*args: str) -> tuple[str, str]:
        port = free_port()
        name = f"jetllm-test-soak-{uuid.uuid4().hex[:8]}"
        container = docker_client.containers.run(
            fakellm_image(docker_client), ["--model", "tiny", "--port", "8000", "--load-seconds", "0",
                                           "--token-delay", "0.01", *args],
            name=name, detach=True, ports={"8000/tcp": ("127.0.0.1", port)}, labels={"jetllm.test": "soak"})
        started.append(container)
        for _ in range(50):  # bounded: 50 x 0.1 s
            container.reload()
            if "Application startup complete" in container.logs().decode():
                break
            time.sleep(0.1)
        return name, f"http://127.0.0.1:{port}/v1"

    yield start
    for container in started:
        container.remove(force=True)


def metrics(path: Path) -> dict[str, float]:
    """name{labels} -> value, for lines that are samples."""
    found = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            found[key.split("{")[0] + ("" if "window" not in key else "/" + key.split('window="')[1].split('"')[0])] \
                = float(value)
    return found


def test_a_stable_soak_with_memory_samples_and_a_textfile(jetllm, backend, tmp_path):
    name, url = backend()
    prom = tmp_path / "textfile" / "jetllm_soak.prom"
    result = jetllm("soak", "--base-url", url, "--duration", "6s", "--concurrency", "2", "--container", name,
                    "--textfile", str(prom), "--json", timeout=60)
    assert result.exit_code == 0, result.stderr
    soak = result.data()
    assert soak["verdict"] == "stable" and soak["errors"] == 0 and soak["requests"] > 10
    assert soak["latency_first_p50_s"] > 0 and soak["latency_last_p50_s"] > 0
    assert soak["latency_drift"] is not None
    assert any(s["container_memory_bytes"] for s in soak["samples"]) and soak["restarts"] == 0
    found = metrics(prom)
    assert found["jetllm_soak_stable"] == 1 and found["jetllm_soak_requests_total"] == soak["requests"]
    assert found["jetllm_soak_latency_seconds/first_tenth"] == pytest.approx(soak["latency_first_p50_s"])
    assert found["jetllm_soak_container_memory_max_bytes"] > 0
    assert all(s["mem_available_bytes"] for s in soak["samples"])  # the host's, on any Linux
    assert found["jetllm_soak_host_mem_available_min_bytes"] == min(s["mem_available_bytes"] for s in soak["samples"])
    assert 'verdict="stable"' in prom.read_text()


def test_a_backend_that_dies_mid_soak_is_classified_from_its_log(jetllm, backend, tmp_path):
    name, url = backend("--crash-after", "2")
    prom = tmp_path / "soak.prom"
    result = jetllm("soak", "--base-url", url, "--duration", "30s", "--container", name,
                    "--textfile", str(prom), "--json", timeout=60)
    assert result.exit_code == 1, result.stderr
    soak = result.data()
    assert soak["verdict"] == "gpu_oom" and soak["exit_code"] == 1
    assert soak["ended_early"] == "the container stopped" and soak["duration_s"] < 20
    assert any("CUDA out of memory" in e["text"] for e in soak["diagnosis"]["evidence"])
    assert [e["class"] for e in result.errors()] == ["gpu_oom"]
    assert metrics(prom)["jetllm_soak_stable"] == 0 and 'verdict="gpu_oom"' in prom.read_text()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_ends_the_soak_with_the_figures_so_far(backend, tmp_path, signum):
    _, url = backend()
    prom = tmp_path / "soak.prom"
    process = start_jetllm("soak", "--base-url", url, "--duration", "1h", "--textfile", str(prom))
    time.sleep(4)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: the figures so far" in stdout
    requests = next(line for line in stdout.splitlines() if line.startswith("requests"))
    assert int(requests.split()[1].rstrip(",")) > 0
    assert metrics(prom)["jetllm_soak_requests_total"] > 0 and metrics(prom)["jetllm_soak_stable"] == 0


def test_on_jetson_the_power_mode_is_recorded(jetllm, backend, tmp_path):
    import json

    facts = json.loads((Path(__file__).parents[1] / "fixtures" / "bringup" / "orin-nx-r36.4.3.json").read_text())
    facts["jetson"]["power_mode"] = "25W"
    (tmp_path / "orin.json").write_text(json.dumps(facts))
    _, url = backend()
    prom = tmp_path / "soak.prom"
    result = jetllm("soak", "--base-url", url, "--duration", "2s", "--facts", str(tmp_path / "orin.json"),
                    "--textfile", str(prom), "--json", timeout=60)
    assert result.exit_code == 0, result.stderr
    assert result.data()["power_mode"] == "25W"
    assert 'verdict="stable",power_mode="25W"} 1' in prom.read_text()
