"""The classifier engine: one realistic line per class and backend, precedence,
exit state, and logs as they really come."""

from __future__ import annotations

import io
import itertools

import pytest

from jetllm.classify import ExitState, FailureClass, RetrySmaller, classify_lines, classify_text, diagnosis_for
from jetllm.classify.reader import MAX_LINE, blocks_from_stream
from tests.support.noise import noise_lines

C = FailureClass

# (backend, line, class) in the backends' own wording.
LINES = [
    ("nvidia-container-toolkit", "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\nnvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8, please update your driver to a newer version, or use an earlier cuda container: unknown", C.DRIVER_TOO_OLD),
    ("nvidia-container-toolkit", "failed to create NVIDIA Container Runtime: failed to construct OCI spec modifier: requirements not met: unsatisfied condition: cuda>=12.9 (cuda=12.6): unknown", C.DRIVER_TOO_OLD),
    ("pytorch", "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version", C.DRIVER_TOO_OLD),
    ("llama.cpp", "ggml_cuda_init: failed to initialize CUDA: CUDA driver version is insufficient for CUDA runtime version", C.DRIVER_TOO_OLD),
    ("docker", 'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].', C.GPU_RUNTIME_MISSING),
    ("docker", "docker: Error response from daemon: unknown or invalid runtime name: nvidia.", C.GPU_RUNTIME_MISSING),
    ("vllm", "OSError: libcuda.so.1: cannot open shared object file: No such file or directory", C.GPU_RUNTIME_MISSING),
    ("pytorch", "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver", C.GPU_RUNTIME_MISSING),
    ("sglang", "RuntimeError: NVML_SUCCESS == r INTERNAL ASSERT FAILED at \"../c10/cuda/CUDACachingAllocator.cpp\":838, please report a bug to PyTorch.", C.CUDA_ALLOCATOR_ASSERT),
    ("vllm", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.95 GiB. GPU 0 has a total capacity of 23.55 GiB of which 1.06 GiB is free.", C.GPU_OOM),
    ("tensorrt-llm", "[TensorRT-LLM][ERROR] tensorrt_llm::common::TllmException: [TensorRT-LLM][ERROR] CUDA runtime error in cudaMallocAsync: out of memory", C.GPU_OOM),
    ("llama.cpp", "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 8192.00 MiB on device 0: cudaMalloc failed: out of memory", C.GPU_OOM),
    ("vllm", "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", C.KV_CACHE_INSUFFICIENT),
    ("vllm", "ValueError: To serve at least one request with the models's max seq len (131072), (16.0 GiB KV cache is needed, which is larger than the available KV cache memory (9.5 GiB).", C.KV_CACHE_INSUFFICIENT),
    ("sglang", "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static.", C.KV_CACHE_INSUFFICIENT),
    ("ollama", 'Feb 24 11:16:31 host systemd[1]: ollama.service: A process of this unit has been killed by the OOM killer.', C.HOST_OOM_KILLED),
    ("ollama", 'Error: model requires more system memory (34.2 GiB) than is available (15.1 GiB)', C.HOST_OOM_KILLED),
    ("docker", "exec /usr/bin/python3: exec format error", C.ARCH_MISMATCH),
    ("docker", "docker: no matching manifest for linux/arm64/v8 in the manifest list entries.", C.ARCH_MISMATCH),
    ("pytorch", "RuntimeError: CUDA error: no kernel image is available for execution on the device", C.UNSUPPORTED_GPU),
    ("vllm", "ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5.", C.UNSUPPORTED_GPU),
    ("vllm", "ValueError: Model architectures ['FooForCausalLM'] are not supported for now.", C.UNSUPPORTED_MODEL),
    ("llama.cpp", "llama_model_load: error loading model: error loading model architecture: unknown model architecture: 'qwen9'", C.UNSUPPORTED_MODEL),
    ("ollama", "Error: pull model manifest: 412: The model you are attempting to pull requires a newer version of Ollama.", C.UNSUPPORTED_MODEL),
    ("huggingface-hub", "huggingface_hub.errors.GatedRepoError: 401 Client Error. Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json.", C.MODEL_UNAVAILABLE),
    ("huggingface-hub", "huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. Repository Not Found for url: https://huggingface.co/api/models/no/such-model", C.MODEL_UNAVAILABLE),
    ("ollama", "Error: pull model manifest: file does not exist", C.MODEL_UNAVAILABLE),
    ("docker", "Error response from daemon: pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", C.IMAGE_PULL_FAILED),
    ("docker", "Error response from daemon: manifest for vllm/vllm-openai:v9.9.9 not found: manifest unknown: manifest unknown", C.IMAGE_PULL_FAILED),
    ("docker", "failed to register layer: write /usr/local/lib/python3.12/dist-packages/torch/lib/libtorch_cuda.so: no space left on device", C.DISK_FULL),
    ("docker", "Error response from daemon: driver failed programming external connectivity on endpoint vllm: Bind for 0.0.0.0:8000 failed: port is already allocated", C.PORT_IN_USE),
    ("llama.cpp", "couldn't bind HTTP server socket, hostname: 0.0.0.0, port: 8080: Address already in use", C.PORT_IN_USE),
    ("docker", 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/version": dial unix /var/run/docker.sock: connect: permission denied', C.DOCKER_UNAVAILABLE),
    ("docker", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", C.DOCKER_UNAVAILABLE),
    ("tensorrt-llm", "ImportError: /usr/local/lib/python3.12/dist-packages/tensorrt_llm/libs/libtensorrt_llm.so: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs", C.LIBRARY_MISMATCH),
    ("vllm", "ImportError: libcudart.so.12: cannot open shared object file: No such file or directory", C.LIBRARY_MISMATCH),
    ("tensorrt-llm", "[TensorRT-LLM][ERROR] 6: The engine plan file is not compatible with this version of TensorRT, expecting library version 10.3.0 got 10.4.0, please rebuild.", C.LIBRARY_MISMATCH),
    ("ollama", 'level=ERROR source=sched.go:455 msg="error loading llama server" error="timed out waiting for llama runner to start - progress 0.00 - "', C.STARTUP_TIMEOUT),
    ("vllm", "Traceback (most recent call last):", C.UNKNOWN),
    ("sglang", "[2025-11-30 12:51:10] The server is fired up and ready to roll!", C.NONE),
]


@pytest.mark.parametrize(("backend", "line", "expected"), LINES, ids=lambda v: str(v)[:40])
def test_each_class_in_the_backends_wording(backend: str, line: str, expected: FailureClass) -> None:
    noisy = [*itertools.islice(noise_lines(seed=3), 50), *line.split("\n"), *itertools.islice(noise_lines(seed=4), 50)]
    diagnosis = classify_lines(noisy, backend=backend)
    assert diagnosis.failure_class is expected
    if expected is not C.NONE:
        assert diagnosis.evidence and all(e.line > 50 for e in diagnosis.evidence)


def test_root_cause_beats_generic_traceback_after_cuda_oom() -> None:
    log = "Traceback (most recent call last):\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n" \
          "RuntimeError: Engine core initialization failed. See root cause above.\n"  # fmt: skip
    d = classify_text(log, backend="vllm")
    assert d.failure_class is C.GPU_OOM
    assert d.evidence[0].line == 2


def test_oom_killer_beats_killed_and_timeout() -> None:
    log = 'msg="error loading llama server" error="timed out waiting for llama runner to start"\nKilled\n' \
          "Out of memory: Killed process 4242 (ollama_llama_se) total-vm:80000000kB\n"  # fmt: skip
    d = classify_text(log)
    assert d.failure_class is C.HOST_OOM_KILLED
    assert any("Out of memory" in e.text for e in d.evidence)


def test_port_error_beats_memory_warning(fixtures_dir) -> None:
    d = classify_text((fixtures_dir / "logs" / "vllm-port-in-use-memory-warning.log").read_text())
    assert d.failure_class is C.PORT_IN_USE


def test_kv_cache_beats_the_cuda_alloc_failure_it_caused(fixtures_dir) -> None:
    d = classify_text((fixtures_dir / "logs" / "ollama-kv-cache-oom.log").read_bytes(), backend="ollama")
    assert d.failure_class is C.KV_CACHE_INSUFFICIENT
    assert d.retry_smaller is RetrySmaller.YES


def test_disk_full_beats_max_retries() -> None:
    d = classify_text("pulling 29fd... 5%\nError: max retries exceeded\nwrite /root/.ollama/models/blobs/x-partial: no space left on device, retrying\n")
    assert d.failure_class is C.DISK_FULL


def test_nvml_asserts_differ_in_retry_smaller() -> None:
    query = classify_text('RuntimeError: NVML_SUCCESS == r INTERNAL ASSERT FAILED at "/c10/cuda/CUDACachingAllocator.cpp":995')
    init = classify_text('RuntimeError: NVML_SUCCESS == nvmlInit_v2_() INTERNAL ASSERT FAILED at "/c10/cuda/CUDACachingAllocator.cpp":1123')
    assert query.failure_class is init.failure_class is C.CUDA_ALLOCATOR_ASSERT
    assert query.retry_smaller is RetrySmaller.YES and init.retry_smaller is RetrySmaller.NO


def test_jetson_fix_differs_for_the_nvml_assert(fixtures_dir) -> None:
    text = (fixtures_dir / "logs" / "vllm-jetson-nvml-assert.log").read_text()
    jetson, x86 = classify_text(text, jetson=True), classify_text(text, jetson=False)
    assert jetson.failure_class is C.CUDA_ALLOCATOR_ASSERT
    assert "PYTORCH_NO_CUDA_MEMORY_CACHING=1" in jetson.fix and "--enforce-eager" in jetson.fix
    assert jetson.fix != x86.fix
    assert jetson.evidence[0].text.startswith("ERROR 11-12 10:00:03 [core.py:396] RuntimeError: NVML_SUCCESS")


def test_platform_changes_the_reading_of_a_cublas_alloc_failure() -> None:
    line = "CUDA error: CUBLAS_STATUS_ALLOC_FAILED\n  current device: 0, in function cublas_handle"
    assert classify_text(line, jetson=True).failure_class is C.LIBRARY_MISMATCH
    assert classify_text(line, jetson=False).failure_class is C.GPU_OOM


@pytest.mark.parametrize(
    ("state", "log", "expected"),
    [
        (ExitState(exit_code=137, oom_killed=True), "loading weights\n", C.HOST_OOM_KILLED),
        (ExitState(exit_code=137, oom_killed=True), "torch.OutOfMemoryError: CUDA out of memory.\n", C.HOST_OOM_KILLED),
        (ExitState(exit_code=137, oom_killed=True), "write /data/x: no space left on device\n", C.DISK_FULL),
        (ExitState(exit_code=137), "loading weights\n", C.HOST_OOM_KILLED),
        (ExitState(exit_code=137, timed_out=True), "loading weights\n", C.STARTUP_TIMEOUT),
        (ExitState(exit_code=139), "loading weights\n", C.UNKNOWN),
        (ExitState(exit_code=139), "undefined symbol: cublasLtCreate\n", C.LIBRARY_MISMATCH),
        (ExitState(exit_code=0), "loading weights\n", C.UNKNOWN),
        (ExitState(exit_code=0), "INFO:     Application startup complete.\n", C.NONE),
        (ExitState(exit_code=1), "loading weights\n", C.UNKNOWN),
        (ExitState(timed_out=True), "loading weights\n", C.STARTUP_TIMEOUT),
        (ExitState(timed_out=True), "cudaMalloc failed: out of memory\n", C.GPU_OOM),
        (None, "loading weights\n", C.UNKNOWN),
        (ExitState(ready=True), "loading weights\n", C.NONE),
        (ExitState(exit_code=0, ready=True), "loading weights\n", C.NONE),
    ],
)
def test_exit_state_is_evidence(state: ExitState | None, log: str, expected: FailureClass) -> None:
    assert classify_text(log, exit_state=state).failure_class is expected


def test_oom_kill_shows_the_memory_lines_of_the_log() -> None:
    d = classify_text("x\ntorch.OutOfMemoryError: CUDA out of memory.\n", exit_state=ExitState(exit_code=137, oom_killed=True))
    assert d.failure_class is C.HOST_OOM_KILLED and d.evidence[0].line == 2


def test_logs_as_they_come() -> None:
    raw = (
        b"2025-11-12T10:00:00.123456789Z \x1b[1;31mERROR\x1b[0m bad byte \xff\xfe here\n"
        b"Downloading 10%\rDownloading 50%\rfailed: no space left on device\n"
        b"\xc3\x28 invalid utf-8\r\n"
    )
    d = classify_text(raw)
    assert d.failure_class is C.DISK_FULL
    assert d.evidence[0].line == 2
    assert d.evidence[0].text == "failed: no space left on device"


def test_docker_timestamp_and_ansi_are_cleaned_from_evidence() -> None:
    raw = b"2025-11-12T10:00:00.123456789Z \x1b[31mtorch.OutOfMemoryError: CUDA out of memory.\x1b[0m\n"
    assert classify_text(raw).evidence[0].text == "torch.OutOfMemoryError: CUDA out of memory."


def test_a_10_mb_single_line_is_capped_and_its_tail_still_read() -> None:
    raw = b"x" * (10 << 20) + b" RuntimeError: CUDA error: no kernel image is available for execution on the device\nnext\n"
    blocks = list(blocks_from_stream(io.BytesIO(raw)))
    assert max(len(b) for b in blocks) <= MAX_LINE + 16
    d = classify_text(raw)
    assert d.failure_class is C.UNSUPPORTED_GPU and d.evidence[0].line == 1
    assert len(d.evidence[0].text) <= 302


def test_line_numbers_survive_block_boundaries() -> None:
    lines = [*itertools.islice(noise_lines(seed=1), 30000), "Killed", *itertools.islice(noise_lines(seed=2), 10)]
    d = classify_lines(lines)
    assert d.failure_class is C.HOST_OOM_KILLED and d.evidence[0].line == 30001
    d2 = classify_text("\n".join(lines) + "\n")
    assert d2.evidence[0].line == 30001


def test_empty_and_binary_input_never_crash() -> None:
    assert classify_text(b"").failure_class is C.UNKNOWN
    assert classify_text(bytes(range(256)) * 1000).failure_class in set(C)
    assert classify_lines([]).failure_class is C.UNKNOWN


def test_diagnosis_for_uses_the_class_defaults() -> None:
    d = diagnosis_for(C.DRIVER_TOO_OLD, cause="the image needs CUDA 13.0; the driver has 12.6", jetson=True)
    assert d.cause.startswith("the image needs") and "L4T" in d.fix and d.retry_smaller is RetrySmaller.NO
    assert diagnosis_for(C.STARTUP_TIMEOUT).retry_smaller is RetrySmaller.SOMETIMES
    assert set(d.to_json()) >= {"class", "cause", "evidence", "fix", "retry_smaller"}
