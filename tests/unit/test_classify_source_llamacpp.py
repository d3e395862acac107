"""llamacpp.yaml: llama.cpp's server, model loader and ggml-cuda, fed the lines
as llama.cpp prints them (src/llama.cpp, llama-model-loader.cpp,
llama-model.cpp, llama-context.cpp, gguf.cpp, ggml-cuda.cu, tools/server)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

LOAD = """\
build: 5318 (15e03282) with cc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0 for aarch64-linux-gnu
system info: n_threads = 6, n_threads_batch = 6, total_threads = 6
main: binding port with default address family
main: HTTP server is listening, hostname: 0.0.0.0, port: 8080, http threads: 5
main: loading model
srv    load_model: loading model '/models/qwen2.5-1.5b-instruct-q4_k_m.gguf'
ggml_cuda_init: found 1 CUDA devices:
  Device 0: Orin, compute capability 8.7, VMM: yes
llama_model_loader: loaded meta data with 26 key-value pairs and 339 tensors from /models/qwen2.5-1.5b-instruct-q4_k_m.gguf (version GGUF V3 (latest))
"""

CASES = [
    # tools/server/server.cpp
    ("main: couldn't bind HTTP server socket, hostname: 0.0.0.0, port: 8080", C.PORT_IN_USE, "llama_server_bind_failed"),
    ("\ncouldn't bind to server socket: hostname=127.0.0.1 port=8080\n", C.PORT_IN_USE, "llama_server_bind_failed"),  # examples/server before b1500
    # src/llama.cpp + llama-model.cpp (exception text after "error loading model: ")
    ("llama_model_load: error loading model: error loading model architecture: unknown model architecture: 'gemma3'", C.UNSUPPORTED_MODEL, "llama_cpp_unknown_arch"),
    ("llama_model_load: error loading model: error loading model vocabulary: unknown pre-tokenizer type: 'deepseek-r1-qwen'", C.UNSUPPORTED_MODEL, "llama_cpp_unknown_arch"),
    ("llama_model_load: error loading model: done_getting_tensors: wrong number of tensors; expected 292, got 291", C.UNSUPPORTED_MODEL, "llama_cpp_model_layout_mismatch"),
    ("llama_model_load: error loading model: missing tensor 'blk.0.attn_q_norm.weight'", C.UNSUPPORTED_MODEL, "llama_cpp_model_layout_mismatch"),
    ("llama_model_load: error loading model: error loading model hyperparameters: key not found in model: qwen3.rope.dimension_count", C.UNSUPPORTED_MODEL, "llama_cpp_model_layout_mismatch"),
    ("llama_model_load: error loading model: tensor 'blk.27.ffn_down.weight' data is not within the file bounds, model is corrupted or incomplete", C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    # gguf.cpp
    ("gguf_init_from_file_impl: invalid magic characters: 'vers', expected 'GGUF'", C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    ("gguf_init_from_file: failed to open GGUF file '/models/missing.gguf' (No such file or directory)", C.MODEL_UNAVAILABLE, "gguf_open_failed"),
    # ggml-cuda.cu, ggml-alloc.c, llama-model.cpp
    ("ggml_backend_cuda_buffer_type_alloc_buffer: allocating 4460.45 MiB on device 0: cudaMalloc failed: out of memory", C.GPU_OOM, "ggml_cuda_malloc_failed"),
    ("ggml_gallocr_reserve_n: failed to allocate CPU buffer of size 2147483648", C.HOST_OOM_KILLED, "ggml_host_buffer_alloc_failed"),
    ("llama_model_load: error loading model: unable to allocate CUDA_Host buffer", C.HOST_OOM_KILLED, "ggml_host_buffer_alloc_failed"),
    ("llama_init_from_model: failed to allocate compute buffers", C.GPU_OOM, "llama_cpp_compute_buffers"),
    ("ggml_cuda_init: failed to initialize CUDA: unknown error", C.GPU_RUNTIME_MISSING, "ggml_cuda_init_failed"),
    ("ggml was not compiled with any CUDA arch <= 750", C.UNSUPPORTED_GPU, "ggml_cuda_no_arch"),
    # common.cpp / server.cpp: the load failed, the cause not in this excerpt
    ("common_init_from_params: failed to load model '/models/x.gguf'\nsrv    load_model: failed to load model, '/models/x.gguf'\nmain: exiting due to model loading error",
     C.UNKNOWN, "llama_server_model_load_failed"),
    # src/llama.cpp: a build with run-time loaded backends that finds none
    ("llama_model_load_from_file_impl: no backends are loaded. hint: use ggml_backend_load() or ggml_backend_load_all() to load a backend before calling this function",
     C.LIBRARY_MISMATCH, "llama_cpp_no_backends"),
]


@pytest.mark.parametrize(("line", "expected", "signature"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_llama_cpp_messages_as_llama_cpp_prints_them(line: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(LOAD + line + "\n", backend="llama.cpp")
    assert (d.failure_class, d.signature) == (expected, signature)


def test_cuda_init_reason_decides_over_the_ggml_line() -> None:
    # ggml_cuda_init prints cudaGetErrorString's text after the colon: the named cause wins
    d = classify_text("ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected\n", backend="llama.cpp")
    assert d.failure_class is C.GPU_RUNTIME_MISSING and d.signature != "ggml_cuda_init_failed"
    d = classify_text("ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version\n", backend="llama.cpp")
    assert d.failure_class is C.DRIVER_TOO_OLD


@pytest.mark.parametrize("ready", [
    "main: server is listening on http://0.0.0.0:8080 - starting the main loop",
    "main: model loaded",
    "srv  update_slots: all slots are idle",
    '{"tid":"140","timestamp":1717,"level":"INFO","function":"main","line":3201,"msg":"HTTP server listening","hostname":"0.0.0.0","port":"8080","n_threads_http":"7"}',
    "llama_context:      CUDA0 compute buffer size =   300.75 MiB",
])
def test_readiness_lines_read_as_none(ready: str) -> None:
    d = classify_text(LOAD + ready + "\n", backend="llama.cpp")
    assert d.failure_class is C.NONE


def test_a_healthy_load_without_a_readiness_line_is_no_failure() -> None:
    # ordinary INFO lines of a load (the HTTP server listens before the model is loaded): no signature matches them
    d = classify_text(LOAD + "load_tensors: offloaded 29/29 layers to GPU\nllama_kv_cache: CUDA0 KV buffer size =   448.00 MiB\n", backend="llama.cpp")
    assert d.signature == "no-evidence"


def test_a_context_that_could_not_be_created_reads_as_memory_unless_a_cause_is_named() -> None:
    # common/common.cpp: the caller's only line when llama_new_context_with_model returns NULL
    line = "common_init_from_params: failed to create context with model '/models/qwen2.5-1.5b-instruct-q4_k_m.gguf'\n"
    d = classify_text(LOAD + line, backend="llama.cpp")
    assert (d.failure_class, d.signature) == (C.GPU_OOM, "llama_cpp_create_context_failed")
    # a named cause before it decides
    named = "llama_init_from_model: failed to initialize CUDA0 backend\nggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version\n"
    assert classify_text(LOAD + named + line, backend="llama.cpp").failure_class is C.DRIVER_TOO_OLD
