"""The llama.cpp estimate against the real llama-server's own printout: the
model, KV and compute buffer sizes it reports for the tiny model at two
contexts must be within 10 % of what jetllm predicts from the GGUF header."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from jetllm.core.units import MIB
from jetllm.modelinfo import gguf_info
from jetllm.modelinfo.estimate import llama_cpp_cost
from jetllm.modelinfo.shape import from_gguf

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.timeout(300)]

WITHIN = 0.10
BUFFERS = {
    "model": re.compile(r"model buffer size =\s+([\d.]+) MiB"),
    "kv": re.compile(r"KV buffer size =\s+([\d.]+) MiB"),
    "compute": re.compile(r"compute buffer size =\s+([\d.]+) MiB"),
}


def printed_buffers(client: object, image: str, model: Path, context: int, sequences: int) -> dict[str, float]:
    """Start the server, read its log until it has printed its compute buffer (bounded), remove it."""
    import docker

    assert isinstance(client, docker.DockerClient)
    container = client.containers.run(
        image, ["-m", "/model.gguf", "-c", str(context * sequences), "-np", str(sequences), "-lv", "4",
                "--host", "127.0.0.1", "--port", "8080"],
        volumes={str(model): {"bind": "/model.gguf", "mode": "ro"}}, detach=True, network_mode="none",
        labels={"jetllm.test": "fit-estimate"},
    )
    try:
        deadline, log = time.monotonic() + 60, ""
        for _ in range(120):
            log = container.logs().decode(errors="replace")
            if BUFFERS["compute"].search(log) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        container.remove(force=True)
    figures = {name: sum(float(v) for v in pattern.findall(log)) for name, pattern in BUFFERS.items()}
    assert all(figures.values()), log[-3000:]
    return figures


@pytest.mark.parametrize(("context", "sequences"), [(2048, 1), (8192, 2)])
def test_estimate_matches_the_servers_own_buffers(
    docker_client: object, llama_server_image: str, tiny_gguf: Path, context: int, sequences: int
) -> None:
    shape = from_gguf(gguf_info(tiny_gguf))
    # builds since late 2025 reserve one row of logits per sequence, not a whole micro-batch
    estimate = llama_cpp_cost(shape, context, sequences, gpu=False, logit_rows=sequences)
    printed = printed_buffers(docker_client, llama_server_image, tiny_gguf, context, sequences)
    predicted = {"model": estimate.weights_bytes / MIB, "kv": estimate.kv_bytes / MIB,
                 "compute": estimate.compute_bytes / MIB}
    for name, value in printed.items():
        assert abs(predicted[name] - value) <= WITHIN * value, (name, predicted, printed)
