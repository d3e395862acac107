"""sglang.yaml: SGLang's model runner, CUDA graph runner and scheduler lines as
SGLang prints them (python/sglang/srt/model_executor, managers)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

START = """\
[2025-06-01 10:00:00] server_args=ServerArgs(model_path='Qwen/Qwen2.5-7B-Instruct', mem_fraction_static=0.88, tp_size=1)
[2025-06-01 10:00:05 TP0] Load weight begin. avail mem=78.50 GB
[2025-06-01 10:00:20 TP0] Load weight end. type=Qwen2ForCausalLM, dtype=torch.bfloat16, avail mem=63.97 GB, mem usage=14.53 GB.
[2025-06-01 10:00:20 TP0] KV Cache is allocated. #tokens: 1048576, K size: 28.00 GB, V size: 28.00 GB
[2025-06-01 10:00:20 TP0] Memory pool end. avail mem=7.66 GB
"""


CAPTURE = "[2025-06-01 10:00:21 TP0] Capture cuda graph begin. This can take up to several minutes. avail mem=7.60 GB\n"
HINTS = "Possible solutions:\n1. set --mem-fraction-static to a smaller value (e.g., 0.8 or 0.7)\n2. set --cuda-graph-max-bs to a smaller value (e.g., 16)\n"


def test_a_failed_graph_capture_is_classed_by_the_exception_it_carries() -> None:
    # cuda_graph_runner.py: raise Exception(f"Capture cuda graph failed: {e}\n{CUDA_GRAPH_CAPTURE_FAILED_MSG}")
    oom = classify_text(START + CAPTURE + "Exception: Capture cuda graph failed: CUDA out of memory. Tried to allocate 2.00 GiB. "
                        "GPU 0 has a total capacity of 79.10 GiB of which 1.10 GiB is free.\n" + HINTS, backend="sglang")
    assert oom.failure_class is C.GPU_OOM
    other = classify_text(START + CAPTURE + "Exception: Capture cuda graph failed: Ninja build failed.\n" + HINTS, backend="sglang")
    assert (other.failure_class, other.signature) == (C.UNKNOWN, "sglang_cuda_graph_capture_failed")


def test_the_named_cause_in_the_scheduler_traceback_decides() -> None:
    # managers/scheduler.py logs "Scheduler hit an exception: <traceback>"; the traceback's last line names the cause
    d = classify_text(START + "[2025-06-01 10:00:21 TP0] Scheduler hit an exception: Traceback (most recent call last):\n"
                      '  File "/sgl-workspace/sglang/python/sglang/srt/managers/scheduler.py", line 2300, in run_scheduler_process\n'
                      "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static. Current value: mem_fraction_static=0.6\n",
                      backend="sglang")
    assert d.failure_class is C.KV_CACHE_INSUFFICIENT


@pytest.mark.parametrize("ready", [
    "[2025-06-01 10:00:26 TP0] Capture cuda graph end. Time elapsed: 5.37 s. mem usage=1.44 GB. avail mem=6.16 GB.",
    "[2025-06-01 10:00:26 TP0] max_total_num_tokens=1048576, chunked_prefill_size=8192, max_prefill_tokens=16384, "
    "max_running_requests=4096, context_len=32768, available_gpu_mem=6.16 GB",
    "[2025-06-01 10:00:30] The server is fired up and ready to roll!",
])
def test_readiness_lines_read_as_none(ready: str) -> None:
    assert classify_text(START + ready + "\n", backend="sglang").failure_class is C.NONE


def test_the_load_lines_alone_match_no_signature() -> None:
    # ordinary INFO lines (weights, KV pool, memory pool): no failure, and not yet ready
    assert classify_text(START, backend="sglang").signature == "no-evidence"
