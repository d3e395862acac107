"""Readiness from the requests a server answered (Ollama's [GIN] access lines,
uvicorn's in vLLM / SGLang), an evaluation's results table, and the scan rule
that makes per-request lines affordable: such lines are looked for only until
one follows the last error marker."""

from __future__ import annotations

import io

import pytest

from jetllm.classify import FailureClass, classify_text
from jetllm.classify.catalog import default_catalog
from jetllm.classify.reader import blocks_from_stream
from jetllm.classify.scan import prefilter_for, scan

C = FailureClass

OLLAMA_LOAD = """\
time=2025-06-01T10:00:01.000Z level=INFO source=server.go:405 msg="starting llama server" cmd="/usr/bin/ollama runner --model /root/.ollama/models/blobs/sha256-aa --ctx-size 8192"
time=2025-06-01T10:00:01.200Z level=INFO source=server.go:585 msg="waiting for server to become available" status="llm server loading model"
llm_load_tensors: offloaded 29/29 layers to GPU
"""
GIN_CHAT = '[GIN] 2025/06/01 - 10:00:09 | 200 |  3.412837052s |      172.17.0.1 | POST     "/api/chat"\n'
VLLM_LOAD = """\
INFO 06-01 10:00:00 [model_runner.py:1100] Loading model weights took 14.9 GiB
INFO 06-01 10:00:05 [gpu_executor.py:122] # GPU blocks: 2000, # CPU blocks: 512
"""
ACCESS = 'INFO:     172.17.0.1:51234 - "POST /v1/chat/completions HTTP/1.1" 200 OK\n'


@pytest.mark.parametrize(("log", "backend"), [
    (OLLAMA_LOAD + GIN_CHAT, "ollama"),
    (OLLAMA_LOAD + '[GIN] 2025/06/01 - 10:00:09 | 200 |    812.5ms |       127.0.0.1 | POST     "/api/generate"\n', "ollama"),
    (OLLAMA_LOAD + '[GIN] 2025/06/01 - 10:00:09 | 200 |    812.5ms |       127.0.0.1 | POST     "/v1/chat/completions"\n', "ollama"),
    (VLLM_LOAD + ACCESS, "vllm"),
    (VLLM_LOAD + 'INFO:     127.0.0.1:40000 - "POST /v1/completions HTTP/1.1" 200 OK\n', "sglang"),
    # lm-evaluation-harness's results table after a vLLM run
    ("WARNING 06-01 10:00:00 [marlin_utils_fp8.py:167] Your GPU does not have native support for FP8 computation\n"
     "|  Tasks  |Version|Filter|n-shot|  Metric   |   |Value|   |Stderr|\n|---------|------:|------|-----:|-----------|---|----:|---|-----:|\n"
     "|hellaswag|      1|none  |     0|acc        |↑  |0.601|±  |0.0049|\n", "vllm"),
])
def test_a_request_answered_or_a_finished_evaluation_is_a_healthy_server(log: str, backend: str) -> None:
    assert classify_text(log, backend=backend).failure_class is C.NONE


@pytest.mark.parametrize(("log", "backend"), [
    (OLLAMA_LOAD, "ollama"),  # still loading: no evidence either way
    (OLLAMA_LOAD + '[GIN] 2025/06/01 - 10:00:09 | 500 |  3.41s |      172.17.0.1 | POST     "/api/chat"\n', "ollama"),
    (OLLAMA_LOAD + '[GIN] 2025/06/01 - 10:00:09 | 200 |     21.1µs |      172.17.0.1 | GET      "/api/version"\n', "ollama"),
    (VLLM_LOAD + 'INFO:     172.17.0.1:51234 - "POST /v1/chat/completions HTTP/1.1" 400 Bad Request\n', "vllm"),
])
def test_a_failed_request_or_a_probe_is_no_readiness(log: str, backend: str) -> None:
    assert classify_text(log, backend=backend).failure_class is not C.NONE


def test_a_failure_after_requests_were_served_still_decides() -> None:
    log = VLLM_LOAD + ACCESS * 50 + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n"
    assert classify_text(log, backend="vllm").failure_class is C.GPU_OOM


def test_an_unnamed_error_after_the_last_request_is_not_healthy() -> None:
    log = OLLAMA_LOAD + GIN_CHAT * 200 + 'time=2025-06-01T10:05:00.000Z level=ERROR source=routes.go:1500 msg="something broke"\n'
    d = classify_text(log, backend="ollama")
    assert (d.failure_class, d.signature) == (C.UNKNOWN, "marker")


def test_requests_served_after_an_error_make_the_server_healthy_again() -> None:
    log = (OLLAMA_LOAD + GIN_CHAT * 200 + 'time=2025-06-01T10:05:00.000Z level=ERROR source=routes.go:1500 msg="something broke"\n'
           + GIN_CHAT * 200)
    assert classify_text(log, backend="ollama").failure_class is C.NONE


@pytest.mark.parametrize("engine", ["hyperscan", "python"])
def test_per_request_lines_are_matched_only_until_one_follows_the_last_marker(engine: str) -> None:
    marker = 'time=2025-06-01T10:05:00.000Z level=ERROR source=routes.go:1500 msg="something broke"\n'
    catalog = default_catalog()
    data = (GIN_CHAT * 1000 + marker + GIN_CHAT * 1000).encode()
    hits = scan(blocks_from_stream(io.BytesIO(data)), catalog, prefilter_for(catalog, engine))
    # one before the marker, one after it: the other 1998 are skipped, and the last one seen follows the marker
    assert hits.count["ready_ollama_request_served"] == 2
    assert hits.last["ready_ollama_request_served"] == 1002 and hits.last_marker == 1001


@pytest.mark.parametrize("engine", ["hyperscan", "python"])
def test_a_readiness_line_after_lines_that_only_share_its_anchor_is_found(engine: str) -> None:
    # Gin's debug warnings come before the routes it lists: the first line holding "[GIN-debug]" is no readiness line
    log = ("[GIN-debug] [WARNING] Creating an Engine instance with the Logger and Recovery middleware already attached.\n\n"
           '[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.\n'
           + "[GIN-debug] [WARNING] Headers were already written.\n" * 20
           + "[GIN-debug] POST   /api/chat                 --> github.com/ollama/ollama/server.(*Server).ChatHandler-fm (5 handlers)\n")
    catalog = default_catalog()
    hits = scan(blocks_from_stream(io.BytesIO(log.encode())), catalog, prefilter_for(catalog, engine))
    assert hits.last.get("ready_ollama_serving") == log.count("\n")
