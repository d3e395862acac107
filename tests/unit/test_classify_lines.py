"""Lines as real logs bring them (prefixes, wrapped lines, varying case), and
`none` only on evidence of health. Each log is written in the wording its
program prints."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from jetllm.classify import ExitState, FailureClass, classify_text

C = FailureClass

TRACEBACK = """\
INFO 05-12 10:11:12 [api_server.py:1024] vLLM API server version 0.9.0
[rank0]: Traceback (most recent call last):
[rank0]:   File "/usr/local/lib/python3.12/dist-packages/vllm/model_executor/model_loader/loader.py", line 455, in load_model
[rank0]:     model.load_weights(self._get_all_weights(model_config, model))
[rank0]: KeyError: 'model.layers.0.mlp.experts.w13_weight'
"""


def test_an_unknown_exception_is_unknown_with_the_last_exception_line() -> None:
    d = classify_text(TRACEBACK, backend="vllm")
    assert d.failure_class is C.UNKNOWN
    assert (5, "[rank0]: KeyError: 'model.layers.0.mlp.experts.w13_weight'") in [(e.line, e.text) for e in d.evidence]


def test_a_fatal_line_no_signature_knows_is_unknown_not_none() -> None:
    log = (
        "I1103 02:59:00.101 81041 server.cc:674] Waiting for in-flight requests to complete.\n"
        "E1103 02:59:01.152656 81041 model_lifecycle.cc:626] failed to load 'ensemble' version 1: Internal: "
        "unexpected inference output 'logits' for model 'tensorrt_llm'\n"
        "I1103 02:59:01.200 81041 server.cc:305] Timeout 30: Found 0 model versions that have in-flight inferences\n"
    )
    d = classify_text(log, backend="tensorrt-llm")
    assert d.failure_class is C.UNKNOWN
    assert [e.line for e in d.evidence] == [2]


def test_an_ollama_slog_error_is_unknown_with_its_line() -> None:
    log = (
        'time=2025-06-01T10:00:00.000Z level=INFO source=server.go:405 msg="starting llama server"\n'
        'time=2025-06-01T10:00:03.000Z level=ERROR source=sched.go:478 msg="error loading llama server" '
        'error="llama runner exited: exit status 2"\n'
    )
    d = classify_text(log, backend="ollama")
    assert d.failure_class is C.UNKNOWN and [e.line for e in d.evidence] == [2]


def test_a_go_panic_behind_a_syslog_prefix_is_found() -> None:
    log = (
        "Dec 03 10:11:12 orin ollama[1234]: panic: runtime error: invalid memory address or nil pointer dereference\n"
        "Dec 03 10:11:12 orin ollama[1234]: [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x5f1c2a]\n"
    )
    d = classify_text(log, backend="ollama")
    assert d.failure_class is C.UNKNOWN and d.evidence[0].line == 1
    assert d.evidence[0].text.startswith("Dec 03 10:11:12 orin ollama[1234]: panic:")


def test_a_log_with_no_health_and_no_failure_is_unknown() -> None:
    log = "llm_load_tensors: offloading 31 repeating layers to GPU\nllm_load_tensors: offloaded 31/33 layers to GPU\n"
    d = classify_text(log, backend="ollama")
    assert d.failure_class is C.UNKNOWN and "no failure line was found" in d.cause


def test_readiness_with_no_failure_after_it_is_none() -> None:
    log = (
        "ERROR 05-12 10:11:12 [registry.py:361] Error in inspecting model architecture 'Gemma3ForCausalLM'\n"
        "INFO:     Application startup complete.\n"
    )
    assert classify_text(log, backend="vllm").failure_class is C.NONE


def test_a_failure_after_readiness_is_not_none() -> None:
    log = (
        "INFO:     Application startup complete.\n"
        "ERROR 05-12 10:20:00 [core.py:343] EngineCore encountered a fatal error.\n"
    )
    d = classify_text(log, backend="vllm")
    assert d.failure_class is C.UNKNOWN and [e.line for e in d.evidence] == [2]


def test_the_callers_report_that_it_served_is_health() -> None:
    assert classify_text("loading weights\n", exit_state=ExitState(exit_code=0, ready=True)).failure_class is C.NONE


WRAPPED_KV = """\
(EngineCore_DP0 pid=351) INFO 05-12 10:11:10 [gpu_worker.py:298] Available KV cache memory: 9.45 GiB
(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] ValueError: To serve at least one request with the \
models's max seq len (131072), (16.00 GiB KV cache is needed, which is larger than the available KV cache
memory (9.45 GiB). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.
"""


def test_a_message_wrapped_in_two_lines_is_matched_across_the_break() -> None:
    d = classify_text(WRAPPED_KV, backend="vllm")
    assert d.failure_class is C.KV_CACHE_INSUFFICIENT
    assert d.evidence[0].line == 2 and "larger than the available KV cache memory" in d.evidence[0].text


def test_a_word_split_by_the_wrap_is_joined() -> None:
    log = "[rank0]: RuntimeError: CUDA error: no kernel im\nage is available for execution on the device\n"
    assert classify_text(log, backend="vllm").failure_class is C.UNSUPPORTED_GPU


def test_a_wrapped_hit_is_counted_once() -> None:
    from jetllm.classify.catalog import default_catalog
    from jetllm.classify.reader import blocks_from_stream
    from jetllm.classify.scan import scan

    again = "ValueError: 16.00 GiB KV cache is needed, which is larger than the available KV cache memory (9.45 GiB)."
    hits = scan(blocks_from_stream(io.BytesIO((WRAPPED_KV + again + "\n").encode())), default_catalog())
    assert hits.count == {"vllm_kv_max_seq_len": 2}
    assert [h.line for h in hits.first["vllm_kv_max_seq_len"]] == [2, 4]


@pytest.mark.parametrize(("flag", "expected"), [("", C.UNKNOWN), ("  ignore_case: true\n", C.LIBRARY_MISMATCH)])
def test_a_signature_opts_in_to_any_case(tmp_path: Path, flag: str, expected: FailureClass) -> None:
    """Keywords are found in any case; a pattern only where its signature says the source's spelling varies."""
    from jetllm.classify.catalog import DATA_DIR, load_catalog
    from jetllm.classify.decide import decide
    from jetllm.classify.reader import blocks_from_lines
    from jetllm.classify.scan import scan

    (tmp_path / "signatures").mkdir()
    shutil.copy(DATA_DIR / "classes.yaml", tmp_path)
    (tmp_path / "signatures" / "nvml.yaml").write_text(
        "- id: nvml_mismatch\n  class: library_mismatch\n  strength: 85\n  backends: [any]\n"
        "  source: 'NVIDIA nvml.h @ 12.x'\n  patterns: ['Driver/library version mismatch']\n" + flag
    )
    catalog = load_catalog(tmp_path)
    line = "nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown"
    hits = scan(blocks_from_lines([line]), catalog)
    assert decide(hits, None, catalog, backend=None, jetson=False).failure_class is expected


@pytest.mark.parametrize(
    "line",
    [
        "[rank0]: torch.OutOfMemoryError: CUDA out of memory.",
        "(VllmWorker rank=0 pid=123) torch.OutOfMemoryError: CUDA out of memory.",
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] torch.OutOfMemoryError: CUDA out of memory.",
        "2025-11-12 10:00:00,123 [rank0]: torch.OutOfMemoryError: CUDA out of memory.",
        "Nov 12 10:00:00 orin python3[812]: torch.OutOfMemoryError: CUDA out of memory.",
        "vllm-1  | INFO 05-12 10:11:12 api_server.py:123] torch.OutOfMemoryError: CUDA out of memory.",
        "E1103 02:59:01.152656 81041 pb_stub.cc:553] torch.OutOfMemoryError: CUDA out of memory.",
        'time=2025-06-01T10:00:03.000Z level=ERROR source=sched.go:478 msg="torch.OutOfMemoryError: CUDA out of memory."',
    ],
)
def test_the_usual_prefixes_are_stripped_before_matching(line: str) -> None:
    from jetllm.classify.scan import strip_prefixes

    assert strip_prefixes(line).startswith("torch.OutOfMemoryError: CUDA out of memory.")
    d = classify_text(line + "\n")
    assert d.failure_class is C.GPU_OOM and d.evidence[0].text == line


@pytest.mark.parametrize("line", [
    "E1103 02:59:01.152656 81041 model_lifecycle.cc:626] unexpected inference output 'logits' for model",
    "F1103 02:59:01.152656 81041 backend.cc:99] Check not met: tensor shape [1, 4096] vs [1, 8192]",
    "CRITICAL 05-12 10:11:12 [launcher.py:99] model weights are corrupt, giving up",
    "tritonserver-1  | E1103 02:59:01.152656 81041 model_lifecycle.cc:626] unexpected inference output",
])  # fmt: skip
def test_a_fatal_line_holding_no_error_word_is_still_the_decisive_line(line: str) -> None:
    """glog's E/F heads and CRITICAL mark a failure though no word like `error` is in the line."""
    log = f"INFO 05-12 10:11:10 [api_server.py:1] starting\n{line}\nINFO 05-12 10:11:13 [api_server.py:2] shutting down\n"
    d = classify_text(log)
    assert d.failure_class is C.UNKNOWN and d.signature == "marker"
    assert [(e.line, e.text) for e in d.evidence] == [(2, line)]


def test_a_critical_line_after_readiness_is_not_none() -> None:
    log = "INFO:     Application startup complete.\nCRITICAL 05-12 10:20:00 [launcher.py:99] engine died, giving up\n"
    d = classify_text(log, backend="vllm")
    assert d.failure_class is C.UNKNOWN and [e.line for e in d.evidence] == [2]


def test_the_decisive_line_is_the_last_exception_of_the_last_traceback_behind_prefixes() -> None:
    log = (
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] Traceback (most recent call last):\n"
        '(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700]   File "a.py", line 1, in f\n'
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] KeyError: 'rope_type'\n"
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] During handling of the above exception, "
        "another exception occurred:\n"
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] Traceback (most recent call last):\n"
        "(EngineCore_DP0 pid=351) ERROR 05-12 10:11:12 [core.py:700] vllm.errors.EngineSetupError: setup failed\n"
        "INFO 05-12 10:11:13 [launcher.py:1] shutting down\n"
    )
    d = classify_text(log, backend="vllm")
    assert d.failure_class is C.UNKNOWN
    assert d.evidence[-1].line == 6 and d.evidence[-1].text.endswith("vllm.errors.EngineSetupError: setup failed")


def test_the_decisive_exception_line_of_a_wrapped_log_is_its_head() -> None:
    """A long exception line pasted wrapped: the line that starts it is the evidence, not its continuation."""
    log = (
        "Traceback (most recent call last):\n"
        '  File "serve.py", line 12, in main\n'
        "mypkg.loader.WeightsLayoutError: the checkpoint's tensors are laid out for a newer release of the\n"
        "loader than the one installed in this image\n"
    )
    d = classify_text(log)
    assert d.failure_class is C.UNKNOWN
    assert [(e.line, e.text) for e in d.evidence][-1] == (3, log.splitlines()[2])
