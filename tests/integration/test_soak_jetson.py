"""`jetllm soak` on a Jetson (the host root a fixture tree: an Orin NX with its thermal
zones and GPU devfreq node): each sample carries the hottest zone and the GPU clock;
a clock below its max under load is throttled, in the verdict's notes and the
Prometheus textfile; at its max, not."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from jetllm.facts import ROOT_ENV
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import free_port
from tests.support.jetson_sysfs import GPU_MAX_HZ, jetson_tree

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


@pytest.fixture
def backend(docker_client: Any) -> Any:
    port = free_port()
    container = docker_client.containers.run(
        fakellm_image(docker_client), ["--model", "tiny", "--port", "8000", "--load-seconds", "0",
                                       "--token-delay", "0.01"],
        name=f"jetllm-test-soak-{uuid.uuid4().hex[:8]}", detach=True,
        ports={"8000/tcp": ("127.0.0.1", port)}, labels={"jetllm.test": "soak"})
    for _ in range(50):  # bounded: 50 x 0.1 s
        if "Application startup complete" in container.logs().decode():
            break
        time.sleep(0.1)
    yield container.name, f"http://127.0.0.1:{port}/v1"
    container.remove(force=True)


def soak(jetllm: Any, backend: tuple[str, str], root: Path, prom: Path) -> Any:
    name, url = backend
    return jetllm("soak", "--base-url", url, "--duration", "3s", "--container", name, "--textfile", str(prom),
                  "--json", env={ROOT_ENV: str(root)}, timeout=60)


@pytest.mark.parametrize("gpu_hz", [306_000_000, GPU_MAX_HZ])
def test_jetson_thermals_and_throttling(jetllm, backend, tmp_path, gpu_hz):
    root = jetson_tree(tmp_path, gpu_hz=gpu_hz, temps_c={"gpu-thermal": 71.5, "cpu-thermal": 69.0})
    prom = tmp_path / "jetllm_soak.prom"
    result = soak(jetllm, backend, root, prom)
    assert result.exit_code == 0, result.stderr
    data = result.data()
    assert data["verdict"] == "stable" and data["samples"]
    for sample in data["samples"]:
        assert (sample["temp_max_c"], sample["temp_max_zone"]) == (71.5, "gpu-thermal")
        assert (sample["gpu_freq_hz"], sample["gpu_max_freq_hz"]) == (gpu_hz, GPU_MAX_HZ)
    text = prom.read_text()
    assert "jetllm_soak_temperature_max_celsius{" in text and "} 71.5\n" in text
    if gpu_hz < GPU_MAX_HZ:
        assert data["throttled"] is True
        assert data["notes"][0].startswith("throttled: the GPU clock below its max in ")
        assert "lowest 306 MHz of 918 MHz" in data["notes"][0]
        assert 'throttled="true"' in text
    else:
        assert data["throttled"] is False and data["notes"] == []
        assert 'throttled="false"' in text
