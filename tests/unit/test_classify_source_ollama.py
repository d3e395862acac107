"""ollama.yaml: Ollama's scheduler, runner and discovery messages, as slog
prints them (server/sched.go, llm/server.go up to v0.12, llm/llama_server.go
since it runs llama-server, discover/, server/images.go, server/routes.go)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

START = """\
time=2025-06-01T10:00:00.000Z level=INFO source=routes.go:1234 msg="server config" env="map[OLLAMA_HOST:http://0.0.0.0:11434]"
time=2025-06-01T10:00:00.010Z level=INFO source=images.go:463 msg="total blobs: 5"
"""

CASES = [
    # llm/llama_server.go @ v0.33.0-rc2
    ('time=2026-08-21T10:00:01.000Z level=INFO source=sched.go:641 msg="Load failed" model=/root/.ollama/models/blobs/sha256-6a0746a1 '
     'error="llama-server reported out-of-memory during startup: ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on device 0: cudaMalloc failed: out of memory"',
     C.GPU_OOM, None),
    ('time=2026-08-21T10:05:00.000Z level=INFO source=sched.go:641 msg="Load failed" model=/m error="timed out waiting for llama-server to start - loading model"',
     C.STARTUP_TIMEOUT, "ollama_llama_server_timeout"),
    # ml/backend/ggml/ggml.go @ v0.6.8, ml/backend.go @ v0.12.0
    ('time=2025-04-14T09:58:54.221Z level=ERROR source=sched.go:457 msg="error loading llama server" error="llama runner process has terminated: '
     'error loading model: unable to allocate memory from device CUDA0 for model weights"', C.GPU_OOM, "ollama_llama_server_oom"),
    ('time=2025-09-20T09:58:54.221Z level=INFO source=server.go:812 msg="model layout did not fit, applying backoff" '
     'error="insufficient memory - required allocations: {InputWeights:0B CPU:{Name:CPU Weights:[0B 0B]}}"', C.GPU_OOM, "ollama_llama_server_oom"),
    ('time=2025-09-20T09:58:55.000Z level=INFO source=sched.go:450 msg="Load failed" model=/m error="failed to commit memory for model"', C.GPU_OOM, "ollama_llama_server_oom"),
    # server/sched.go @ v0.5.7-v0.33.0-rc2
    ('time=2025-01-10T08:00:00.000Z level=ERROR source=sched.go:455 msg="error loading llama server" error="llama runner process has terminated: '
     'error loading model: missing tensor \'blk.0.attn_k_norm.weight\': this model may be incompatible with your version of Ollama. '
     'If you previously pulled this model, try updating it by running `ollama pull qwen3:8b`"', C.UNSUPPORTED_MODEL, None),
    ("Error: llama runner process has terminated: this model may be incompatible with your version of Ollama. If you previously pulled this model, "
     "try updating it by running `ollama pull gemma3:4b`", C.UNSUPPORTED_MODEL, "ollama_model_incompatible"),
    # registry errors through server/images.go ("pull model manifest: %s")
    ("Error: pull model manifest: 412: The model you are attempting to pull requires a newer version of Ollama.", C.UNSUPPORTED_MODEL, "ollama_needs_newer_version"),
    ("Error: pull model manifest: file does not exist", C.MODEL_UNAVAILABLE, "ollama_model_not_found"),
    ('{"error":"model \\"llama9\\" not found, try pulling it first"}', C.MODEL_UNAVAILABLE, "ollama_model_not_found"),
    # discover/gpu.go @ v0.12.0
    ('time=2025-02-01T10:00:00.000Z level=INFO source=gpu.go:396 msg="no compatible GPUs were discovered"', C.GPU_RUNTIME_MISSING, "ollama_no_gpu"),
    ('time=2025-02-01T10:00:00.000Z level=WARN source=gpu.go:617 msg="version mismatch between driver and cuda driver library - '
     'reboot or upgrade may be required: library /usr/lib/x86_64-linux-gnu/libcuda.so.570.86.10"', C.LIBRARY_MISMATCH, "ollama_cuda_driver_library_mismatch"),
    ('time=2025-02-01T10:00:00.000Z level=INFO source=gpu.go:295 msg="[0] CUDA GPU is too old. Compute Capability detected: 3.5"', C.UNSUPPORTED_GPU, "gpu_too_old"),
    ('time=2025-02-01T10:00:00.000Z level=WARN source=gpu.go:623 msg="unknown error initializing cuda driver library /usr/lib/x86_64-linux-gnu/libcuda.so.550.90.07: '
     'cuda driver library init failure: 999. see https://github.com/ollama/ollama/blob/main/docs/troubleshooting.md for more information"', C.GPU_RUNTIME_MISSING, "ollama_cuda_unknown_error"),
    # server/images.go
    ("Error: digest mismatch, file must be downloaded again", C.MODEL_UNAVAILABLE, "ollama_digest_mismatch"),
]


@pytest.mark.parametrize(("line", "expected", "signature"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_ollama_messages_as_ollama_prints_them(line: str, expected: FailureClass, signature: str | None) -> None:
    d = classify_text(START + line + "\n", backend="ollama")
    assert d.failure_class is expected
    if signature:
        assert d.signature == signature


def test_no_gpu_on_jetson_is_an_unsupported_build() -> None:
    d = classify_text(START + 'time=2025-02-01T10:00:00.000Z level=INFO source=gpu.go:396 msg="no compatible GPUs were discovered"\n',
                      backend="ollama", jetson=True)
    assert d.failure_class is C.UNSUPPORTED_GPU


@pytest.mark.parametrize("ready", [
    'time=2025-06-01T10:00:00.020Z level=INFO source=routes.go:1300 msg="Listening on [::]:11434 (version 0.6.8)"',
    'time=2025-06-01T10:00:03.000Z level=INFO source=server.go:628 msg="llama runner started in 2.51 seconds"',
    'time=2026-08-21T10:00:03.000Z level=INFO source=llama_server.go:1362 msg="llama-server started in 1.93 seconds"',
    'time=2025-06-01T10:00:00.300Z level=INFO source=types.go:130 msg="inference compute" id=GPU-0c2f6a1b library=cuda variant=v12 '
    'compute=8.7 driver=12.6 name=Orin total="61.4 GiB" available="55.1 GiB"',
    "[GIN-debug] POST   /api/generate             --> github.com/ollama/ollama/server.(*Server).GenerateHandler-fm (5 handlers)",
])
def test_readiness_lines_read_as_none(ready: str) -> None:
    assert classify_text(START + ready + "\n", backend="ollama").failure_class is C.NONE


CPU_LINES = [
    'time=2025-06-01T10:00:00.300Z level=INFO source=types.go:130 msg="inference compute" id=0 library=cpu variant=avx2 compute="" driver=0.0 name="" total="31.2 GiB" available="28.0 GiB"',
    'time=2026-08-21T10:00:00.300Z level=INFO source=types.go:50 msg="inference compute" id=cpu library=cpu compute="" name=cpu description=cpu',
]


@pytest.mark.parametrize("line", CPU_LINES)
def test_cpu_inference_compute_is_a_cpu_fallback_not_readiness(line: str) -> None:
    assert classify_text(START + line + "\n", backend="ollama").failure_class is C.CPU_FALLBACK


@pytest.mark.parametrize("line", [
    # ordinary INFO lines
    'time=2025-04-14T09:58:54.364Z level=INFO source=server.go:614 msg="waiting for server to become available" status="llm server loading model"',
    'time=2025-04-14T09:58:54.513Z level=WARN source=ggml.go:152 msg="key not found" key=tokenizer.ggml.add_eot_token default=false',
    'time=2025-06-01T10:00:00.000Z level=INFO source=sched.go:613 msg="system memory" total="62.8 GiB" free="55.0 GiB" free_swap="0 B"',
])
def test_ordinary_lines_match_no_signature(line: str) -> None:
    assert classify_text(START + line + "\n", backend="ollama").signature == "no-evidence"


# discover/gpu_info_cudart.c, gpu_info_nvcuda.c @ v0.5.7-v0.12.0, discover/cuda_compat.go @ v0.33.0-rc2,
# scripts/install.sh, llm/server.go @ v0.1.44-v0.12.0, cmd/cmd.go
DRIVER_AND_PLATFORM = [
    ('time=2024-10-01T09:00:00.100Z level=DEBUG source=gpu.go:541 msg="Unable to load cudart" library=/usr/lib/ollama/libcudart.so.12.4.99 '
     'error="your nvidia driver is too old or missing.  If you have a CUDA GPU please upgrade to run ollama"', False, C.DRIVER_TOO_OLD),
    ('time=2024-10-01T09:00:00.100Z level=INFO source=gpu.go:578 msg="unable to load cuda driver library" library=/usr/lib/x86_64-linux-gnu/libcuda.so.470.256.02 '
     'error="symbol lookup for cuCtxCreate_v3 failed: /usr/lib/x86_64-linux-gnu/libcuda.so.470.256.02: undefined symbol: cuCtxCreate_v3"', False, C.DRIVER_TOO_OLD),
    ('time=2026-08-21T10:00:00.200Z level=WARN source=cuda_compat.go:65 msg="NVIDIA driver too old" device="NVIDIA GeForce GTX 1070" compute=6.1 '
     'driver=535 required_driver="570 or newer"', False, C.DRIVER_TOO_OLD),
    ("WARNING: Unsupported JetPack version detected.  GPU may not be supported", True, C.UNSUPPORTED_GPU),
    ("Error: timed out waiting for llama runner to start - progress 1.00 - ", True, C.LIBRARY_MISMATCH),
    ('time=2024-06-02T08:00:00.000-07:00 level=ERROR source=sched.go:344 msg="error loading llama server" error="timed out waiting for llama runner to start: context canceled"',
     True, C.LIBRARY_MISMATCH),
    ("Error: timed out waiting for llama runner to start - progress 1.00 - ", False, C.STARTUP_TIMEOUT),
    ("CUDA error: CUBLAS_STATUS_EXECUTION_FAILED", True, C.LIBRARY_MISMATCH),
    ('time=2024-05-20T10:00:00.000Z level=ERROR source=sched.go:339 msg="error loading llama server" error="llama runner process has terminated: signal: aborted (core dumped) '
     'CUDA error: CUBLAS_STATUS_EXECUTION_FAILED\\n  current device: 0, in function ggml_cuda_op_mul_mat_cublas at ggml-cuda.cu:1200\\n"', True, C.LIBRARY_MISMATCH),
    ("Error: could not connect to ollama app, is it running?", False, C.STARTUP_TIMEOUT),
    ("Error: could not connect to ollama server, run 'ollama serve' to start it", True, C.STARTUP_TIMEOUT),
]


@pytest.mark.parametrize(("line", "jetson", "expected"), DRIVER_AND_PLATFORM, ids=[f"{c[2].value}-{i}" for i, c in enumerate(DRIVER_AND_PLATFORM)])
def test_ollama_driver_and_platform_messages(line: str, jetson: bool, expected: FailureClass) -> None:
    assert classify_text(START + line + "\n", backend="ollama", jetson=jetson).failure_class is expected


def test_a_slow_load_that_timed_out_is_not_read_as_jetson_libraries() -> None:
    # progress below 1.00: the model was still loading (slow storage), a plain timeout
    d = classify_text(START + "Error: timed out waiting for llama runner to start - progress 0.42 - \n", backend="ollama", jetson=True)
    assert d.failure_class is C.STARTUP_TIMEOUT


def test_a_cublas_failure_off_jetson_names_no_class() -> None:
    assert classify_text(START + "CUDA error: CUBLAS_STATUS_EXECUTION_FAILED\n", backend="ollama").failure_class is C.UNKNOWN


def test_healthy_discovery_on_a_recent_driver_is_no_failure() -> None:
    line = ('time=2024-10-01T09:00:00.100Z level=INFO source=gpu.go:220 msg="looking for compatible GPUs"\n'
            'time=2024-10-01T09:00:00.300Z level=INFO source=types.go:107 msg="inference compute" id=GPU-1 library=cuda variant=v12 compute=8.6 '
            'driver=12.4 name="NVIDIA GeForce RTX 3060" total="11.8 GiB" available="11.2 GiB"\n')
    assert classify_text(START + line, backend="ollama").failure_class is C.NONE


@pytest.mark.parametrize("line", [
    'Error: pull model manifest: Get "https://registry.ollama.ai/v2/library/llama3.2/manifests/latest": dial tcp: lookup registry.ollama.ai on 127.0.0.11:53: no such host',
    'Error: pull model manifest: Get "https://registry.ollama.ai/v2/library/qwen3/manifests/4b": tls: failed to verify certificate: x509: certificate signed by unknown authority',
])
def test_an_unreachable_registry_leaves_the_model_unavailable(line: str) -> None:
    d = classify_text(START + line + "\n", backend="ollama")
    assert (d.failure_class, d.signature) == (C.MODEL_UNAVAILABLE, "ollama_registry_unreachable")


@pytest.mark.parametrize(("line", "jetson", "expected"), [
    # discover/gpu_info_cudart.c: error 35 on a desktop is an old driver; on Jetson, Ollama's desktop runtime
    ('time=2025-02-10T08:00:00.000Z level=DEBUG source=gpu.go:574 msg="Unable to load cudart library /usr/lib/ollama/cuda_v12/libcudart.so.12.4.127: '
     'your nvidia driver is too old or missing.  If you have a CUDA GPU please upgrade to run ollama"', False, C.DRIVER_TOO_OLD),
    ('time=2025-02-10T08:00:00.000Z level=DEBUG source=gpu.go:574 msg="Unable to load cudart library /usr/lib/ollama/cuda_v11/libcudart.so.11.3.109: '
     'your nvidia driver is too old or missing.  If you have a CUDA GPU please upgrade to run ollama"', True, C.LIBRARY_MISMATCH),
    # llm/server.go: the memory check, which on Jetson's unified memory is the GPU's memory
    ("Error: model requires more system memory (20.1 GiB) than is available (15.2 GiB)", False, C.HOST_OOM_KILLED),
    ("Error: model requires more system memory (20.1 GiB) than is available (15.2 GiB)", True, C.GPU_OOM),
])
def test_messages_read_by_platform(line: str, jetson: bool, expected: FailureClass) -> None:
    assert classify_text(START + line + "\n", backend="ollama", jetson=jetson).failure_class is expected
