"""`jetllm bringup` under a real memory ceiling: a 48 MiB container limit on a
real llama-server. Asked for 262144 tokens, the search starts at the model's
trained context (131072, read from the GGUF; 64 MiB of KV cache), must step
down past the contexts the kernel's OOM killer ends, report those steps as
host_oom_killed, and keep the largest context that starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.llama_server import TinyShape

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.timeout(2400)]

CEILING = "48m"
TOP = 262144  # asked for; the model was trained on half that
TRAINED = TinyShape().context


def test_bringup_finds_the_largest_context_under_a_memory_limit(
    jetllm: Any, docker_client: object, llama_server_image: str, tiny_gguf: Path, tmp_path: Path
) -> None:
    result = jetllm(
        "bringup", "--backends", "llama.cpp", "--image", llama_server_image, "--model", str(tiny_gguf),
        "--out", str(tmp_path / "report"), "--memory", CEILING, "--max-len", str(TOP), "--pull", "never", "--json",
        timeout=1800,
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    report = result.data()
    assert report["status"] == "works" and report["winner"] == "llama.cpp", report["status"]
    llama = [r for r in report["candidates"] if r["candidate"]["backend"] == "llama.cpp"]
    assert len(llama) == 1, report["candidates"]
    found = llama[0]
    assert found["verdict"] == "works", found
    attempts = found["attempts"]
    best = attempts[found["best"]]
    assert best["outcome"] == "ready"
    largest = best["settings"]["max_len"]
    assert 0 < largest < TRAINED

    tried = {a["settings"]["max_len"]: a for a in attempts if a["container_started"]}
    killed = {n: a for n, a in tried.items() if a["outcome"] == "failed"}
    # The search starts at the model's trained context (read from the GGUF), not above it.
    assert max(tried) == TRAINED and TRAINED in killed, sorted(tried)
    assert report["model_info"]["context_length"] == TRAINED and report["model_info"]["architecture"] == "llama"
    for length, attempt in killed.items():
        assert length > largest, (length, largest)
        assert attempt["diagnosis"]["class"] == "host_oom_killed", attempt["diagnosis"]
        assert attempt["exit_state"]["oom_killed"] is True
    for length, attempt in tried.items():
        if length <= largest:
            assert attempt["outcome"] == "ready", (length, attempt["outcome"])
    # The largest: the next step up the search tried was killed.
    assert min(killed) > largest
