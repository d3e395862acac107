"""A real llama.cpp server through the CLI, on the CPU: `jetllm try` gets a
real streamed answer and measures it; under a container memory limit the
kernel's OOM killer ends it and jetllm says so.

What "agree with the server's own timings" means here: llama-server's final
chunk carries `timings`, where predicted_per_second is a decode rate over the
window from the first generated token to the last. jetllm's own clock gives
the same quantity as (completion_tokens - 1) / (total_s - ttft_s): tokens
after the first over the time from the first token to the end of the stream.
The two windows must agree within 10 %, or within 5 ms where that is more:
the tiny model writes its 32 tokens in about 25 ms, and on two cores the
scheduling of client, proxy and server alone moves that by a few ms. TTFT has no server-side equal (prompt_ms leaves
out the HTTP exchange, the chat template and tokenisation), so it is only
checked to contain the server's prompt time and to exceed it by little.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliResult

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.timeout(2400)]

AGREEMENT = 0.10
AGREEMENT_FLOOR_S = 0.005  # see the module docstring: jitter on a window of ~25 ms
TTFT_OVERHEAD_S = 1.0  # request, template, tokenisation and first chunk, beyond prompt_ms


def try_llama(jetllm: Any, image: str, model: Path, *extra: str) -> CliResult:
    result: CliResult = jetllm(
        "try", "llama.cpp", "--image", image, "--model", str(model), "--pull", "never",
        "--json", *extra, timeout=600,
    )
    return result


def client_decode_rate(smoke: dict[str, Any]) -> float:
    """Tokens after the first over first-token-to-end-of-stream, by jetllm's clock."""
    window = smoke["total_s"] - smoke["ttft_s"]
    assert window > 0, smoke
    return float((smoke["completion_tokens"] - 1) / window)


def test_try_gets_a_real_answer_with_real_numbers(
    jetllm: Any, docker_client: object, llama_server_image: str, tiny_gguf: Path
) -> None:
    result = try_llama(jetllm, llama_server_image, tiny_gguf)
    assert result.exit_code == 0, result.stderr + result.stdout
    attempt = result.data()
    assert attempt["outcome"] == "ready", attempt
    assert attempt["container_started"] is True
    assert attempt["timings"]["start_to_ready_s"] > 0

    smoke = attempt["smoke"]
    assert smoke["text"], smoke
    assert smoke["ttft_s"] > 0
    assert smoke["tokens_per_s"] > 0
    server = smoke["server_timings"]
    assert server, "llama-server sends its timings in the final chunk"
    assert smoke["completion_tokens"] == server["predicted_n"] > 1

    # jetllm reports the server's own decode rate when it has one...
    if smoke["tokens_source"] == "server":
        assert smoke["tokens_per_s"] == pytest.approx(server["predicted_per_second"], rel=0.01)
    # ...and its own clock agrees with it.
    client = client_decode_rate(smoke)
    steps = smoke["completion_tokens"] - 1
    client_window, server_window = steps / client, steps / server["predicted_per_second"]
    allowed = max(AGREEMENT * server_window, AGREEMENT_FLOOR_S)
    assert abs(client_window - server_window) <= allowed, (client, server)
    # TTFT contains the server's prompt processing, plus a little transport.
    assert smoke["ttft_s"] * 1000 >= server["prompt_ms"]
    assert smoke["ttft_s"] - server["prompt_ms"] / 1000 < TTFT_OVERHEAD_S


def test_model_path_is_mounted_read_only(
    jetllm: Any, docker_client: Any, llama_server_image: str, tiny_gguf: Path
) -> None:
    result = try_llama(jetllm, llama_server_image, tiny_gguf, "--keep")
    assert result.exit_code == 0, result.stderr + result.stdout
    attempt = result.data()
    name = attempt["container_name"]
    assert name, attempt
    try:
        container = docker_client.containers.get(name)
        mounts = container.attrs["Mounts"]
        model_mounts = [m for m in mounts if Path(m["Source"]) in (tiny_gguf, tiny_gguf.parent)]
        assert model_mounts, mounts
        assert all(m["RW"] is False for m in model_mounts), model_mounts
        assert container.attrs["HostConfig"]["NetworkMode"] != "host"
        bindings = container.attrs["HostConfig"]["PortBindings"]
        assert all(b["HostIp"] == "127.0.0.1" for port in bindings.values() for b in port), bindings
    finally:
        docker_client.containers.get(name).remove(force=True)


def test_memory_limit_ends_in_host_oom_killed(
    jetllm: Any, docker_client: object, llama_server_image: str, tiny_gguf: Path
) -> None:
    # 262144 tokens of f16 KV cache for this model are 128 MiB: past a 48 MiB ceiling.
    result = try_llama(jetllm, llama_server_image, tiny_gguf, "--max-len", "262144", "--memory", "48m")
    assert result.exit_code == 1, result.stderr + result.stdout
    attempt = result.data()
    assert attempt["outcome"] == "failed", attempt
    assert attempt["diagnosis"]["class"] == "host_oom_killed", attempt["diagnosis"]
    assert attempt["exit_state"]["oom_killed"] is True, attempt["exit_state"]
    assert attempt["smoke"] is None
