"""ollama.yaml, llamacpp.yaml, platform.yaml and cpu_fallback.yaml: the messages
Ollama 0.6-0.13 (and its llama-server releases), llama.cpp/ggml and the Jetson
platform print, fed as the programs print them (format strings filled in with
realistic values; the source of each is named in a comment)."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

OLLAMA_START = """\
time=2025-12-03T03:17:00.000Z level=INFO source=routes.go:1554 msg="server config" env="map[OLLAMA_HOST:http://0.0.0.0:11434]"
time=2025-12-03T03:17:00.010Z level=INFO source=images.go:522 msg="total blobs: 5"
time=2025-12-03T03:17:00.020Z level=INFO source=runner.go:67 msg="discovering available GPUs..."
"""

LLAMA_START = """\
build: 6500 (1d0125bc) with cc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0 for aarch64-linux-gnu
system info: n_threads = 6, n_threads_batch = 6, total_threads = 6
main: loading model
srv    load_model: loading model '/models/qwen2.5-1.5b-instruct-q4_k_m.gguf'
"""

# (backend, line, class on x86, class on Jetson, signature)
CASES = [
    # ollama/ollama llm/server.go @ v0.13.5: a runner exit whose last error line holds "unknown model"
    ("ollama", 'time=2025-10-01T10:00:02.000Z level=ERROR source=sched.go:489 msg="error loading llama server" '
     'error="llama runner process has terminated: this model is not supported by your version of Ollama. You may need to upgrade"',
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "ollama_model_unsupported_by_version"),
    # server/sched.go @ v0.13.5
    ("ollama", 'time=2025-10-01T10:00:02.000Z level=INFO source=sched.go:462 msg="model is too large for system memory" requireFull=false',
     C.HOST_OOM_KILLED, C.GPU_OOM, "ollama_model_too_large_for_memory"),
    # runner/ollamarunner/runner.go over model/model.go @ v0.13.5; convert/convert.go (ollama create)
    ("ollama", 'time=2025-10-01T10:00:02.000Z level=ERROR source=sched.go:489 msg="error loading llama server" '
     'error="llama runner process has terminated: panic: failed to load model: model not supported"',
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "ollama_engine_model_unsupported"),
    ("ollama", 'Error: unsupported architecture "Qwen3VLForConditionalGeneration"',
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "ollama_engine_model_unsupported"),
    # fs/ggml/ggml.go @ v0.13.5
    ("ollama", 'time=2025-10-01T10:00:02.000Z level=INFO source=sched.go:425 msg="NewLlamaServer failed" '
     'model=/root/.ollama/models/blobs/sha256-9f438cb9 error="invalid file magic"',
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "ollama_model_file_invalid"),
    # llm/server.go @ v0.12.10: the runner died during the load request (a symptom: unknown, with the line as evidence)
    ("ollama", 'Error: 500 Internal Server Error: do load request: Post "http://127.0.0.1:46759/load": EOF',
     C.UNKNOWN, C.UNKNOWN, "ollama_runner_terminated"),
    # discover/runner.go @ v0.13.5 with ml/device.go's errors
    ("ollama", 'time=2025-12-03T03:17:28.308Z level=INFO source=runner.go:463 msg="failure during GPU discovery" '
     'OLLAMA_LIBRARY_PATH="[/usr/lib/ollama /usr/lib/ollama/cuda_v12]" extra_envs=map[GGML_CUDA_INIT:1] error="failed to finish discovery before timeout"',
     C.CPU_FALLBACK, C.CPU_FALLBACK, "ollama_gpu_discovery_failed"),
    ("ollama", 'time=2025-12-03T03:17:28.308Z level=INFO source=runner.go:463 msg="failure during GPU discovery" '
     'OLLAMA_LIBRARY_PATH="[/usr/lib/ollama /usr/lib/ollama/cuda_jetpack6]" extra_envs=map[] error="runner crashed"',
     C.CPU_FALLBACK, C.CPU_FALLBACK, "ollama_gpu_discovery_failed"),
    # discover/runner.go @ v0.33.0-rc2
    ("ollama", 'time=2026-06-30T15:57:39.302Z level=INFO source=runner.go:522 msg="failure during llama-server GPU discovery" '
     'OLLAMA_LIBRARY_PATH="[/usr/lib/ollama /usr/lib/ollama/cuda_v13]" extra_envs=map[] error="llama-server --list-devices failed: exit status 1" detail=""',
     C.CPU_FALLBACK, C.CPU_FALLBACK, "ollama_gpu_discovery_failed"),
    # discover/gpu_info_nvcuda.c @ v0.12.0 ("cuda driver library failed to get device context %d"), via gpu.go's "unable to load cuda driver library"
    ("ollama", 'time=2025-05-08T10:00:00.000Z level=INFO source=gpu.go:612 msg="unable to load cuda driver library" '
     'library=/usr/lib/x86_64-linux-gnu/libcuda.so.570.124.06 error="cuda driver library failed to get device context 800"',
     C.GPU_RUNTIME_MISSING, C.GPU_RUNTIME_MISSING, "ollama_cuda_device_context_failed"),
    # discover/gpu_info_cudart.c @ v0.6.8 (LOG "cudaSetDevice err: %d"), JetPack 6.2 with the sbsa cudart
    ("ollama", "cudaSetDevice err: 35", C.DRIVER_TOO_OLD, C.LIBRARY_MISMATCH, "ollama_driver_too_old"),
    ("ollama", "cudaSetDevice err: 100", C.GPU_RUNTIME_MISSING, C.GPU_RUNTIME_MISSING, "ollama_cuda_no_device"),
    # discover/gpu.go @ v0.13.5 (cudaJetpack)
    ("ollama", 'time=2025-10-01T10:00:00.000Z level=INFO source=gpu.go:62 msg="Unexpected format for /etc/nv_tegra_release.  Set JETSON_JETPACK to select version"',
     C.LIBRARY_MISMATCH, C.LIBRARY_MISMATCH, "ollama_jetpack_not_detected"),
    # discover/cuda_common.go @ v0.9.0 (an L4T other than R35/R36: JetPack 4 here)
    ("ollama", 'time=2025-05-01T10:00:00.000Z level=INFO source=cuda_common.go:53 msg="unsupported L4T version" '
     'nv_tegra_release="# R32 (release), REVISION: 7.6, GCID: 38171779, BOARD: t210ref, EABI: aarch64"',
     C.UNSUPPORTED_GPU, C.UNSUPPORTED_GPU, "ollama_jetpack_unsupported"),
    # server/images.go @ v0.13.5 ("pull model manifest: %s" over "%d: %s")
    ("ollama", "Error: pull model manifest: 429: too many requests", C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "ollama_registry_refused"),
    ("ollama", 'Error: pull model manifest: 500: {"errors":[{"code":"INTERNAL_ERROR","message":"internal error"}]}',
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "ollama_registry_refused"),
    ("ollama", "Error: pull model manifest: 412: The model you are attempting to pull requires a newer version of Ollama.",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "ollama_needs_newer_version"),  # 412 stays the stronger entry
    # ggml-org/ggml src/ggml-cuda/common.cuh (cublasGetStatusString), as Ollama returns the runner's "CUDA error" line
    ("ollama", 'time=2025-07-01T10:00:02.000Z level=ERROR source=sched.go:489 msg="error loading llama server" '
     'error="llama runner process has terminated: CUDA error: the resource allocation failed"',
     C.GPU_OOM, C.LIBRARY_MISMATCH, "ggml_cublas_alloc_failed_text"),
    ("llama.cpp", "CUDA error: the GPU program failed to execute", C.UNKNOWN, C.LIBRARY_MISMATCH, "ggml_cublas_execution_failed_text"),
    # ggml src/gguf.cpp ("%s: failed to read magic")
    ("llama.cpp", "gguf_init_from_file_impl: failed to read magic", C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    # src/llama-model-loader.cpp, src/llama-mmap.cpp (after "error loading model: ")
    ("llama.cpp", "llama_model_load: error loading model: tensor 'blk.3.ffn_down.weight' has invalid data",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    ("llama.cpp", "llama_model_load: error loading model: unexpectedly reached end of file",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    ("llama.cpp", "llama_model_load: error loading model: failed to open /models/qwen2.5-7b-instruct-q4_k_m.gguf: No such file or directory",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "gguf_open_failed"),
    # src/llama-vocab.cpp
    ("llama.cpp", "llama_model_load: error loading model: error loading model vocabulary: unknown tokenizer: 'rwkv-world'",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "llama_cpp_unknown_arch"),
    ("llama.cpp", "llama_model_load: error loading model: error loading model vocabulary: cannot find tokenizer merges in model file",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "llama_cpp_model_layout_mismatch"),
    # src/llama.cpp (llama_model_load)
    ("llama.cpp", "llama_model_load: error loading model: CLIP cannot be used as main model, use it with --mmproj instead",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_clip_as_model"),
    # tools/mtmd/clip.cpp, mtmd.cpp (--mmproj)
    ("llama.cpp", "clip_init: failed to load model '/models/mmproj-F16.gguf': load_hparams: unknown projector type: qwen3vl_merger\n"
     "mtmd_init_from_file: error: Failed to load CLIP model from /models/mmproj-F16.gguf",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "llama_cpp_mmproj_unknown_projector"),
    # ggml src/ggml-backend-reg.cpp (load_backend)
    ("llama.cpp", "load_backend: failed to initialize backend from /app/libggml-cuda.so: incompatible API version (backend: 1, current: 2)",
     C.LIBRARY_MISMATCH, C.LIBRARY_MISMATCH, "ggml_backend_incompatible"),
    # src/llama-context.cpp (thrown, printed by llama_init_from_model)
    ("llama.cpp", "llama_init_from_model: failed to initialize the context: failed to initialize CUDA0 backend",
     C.GPU_RUNTIME_MISSING, C.LIBRARY_MISMATCH, "llama_cpp_backend_init_failed"),
    # L4T driver libraries as ld.so and ggml's load_backend report them
    ("llama.cpp", "/usr/local/bin/llama-server: error while loading shared libraries: libnvrm_gpu.so: cannot open shared object file: No such file or directory",
     C.LIBRARY_MISMATCH, C.GPU_RUNTIME_MISSING, "jetson_tegra_driver_lib_missing"),
    ("ollama", "load_backend: failed to load /usr/lib/ollama/cuda_jetpack6/libggml-cuda.so: libnvos.so: cannot open shared object file: No such file or directory",
     C.LIBRARY_MISMATCH, C.GPU_RUNTIME_MISSING, "jetson_tegra_driver_lib_missing"),
    # glibc "file too short": the empty tegra/libcuda.so.1 placeholder of Jetson images
    ("llama.cpp", "OSError: /usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1: file too short",
     C.LIBRARY_MISMATCH, C.GPU_RUNTIME_MISSING, "jetson_driver_lib_placeholder"),
    # cublasGetStatusString for CUBLAS_STATUS_INTERNAL_ERROR, as ggml-cuda prints it
    ("llama.cpp", "CUDA error: an internal operation failed\n  current device: 0, in function ggml_cuda_op_mul_mat_cublas at "
     "/app/ggml/src/ggml-cuda/ggml-cuda.cu:1363\n  cublasSgemm_v2(ctx.cublas_handle(id), CUBLAS_OP_T, CUBLAS_OP_N, row_diff, src1_ncols, ne10)",
     C.UNKNOWN, C.LIBRARY_MISMATCH, "ggml_cublas_execution_failed_text"),
    # dpkg over the nvidia-l4t-* preinst
    ("llama.cpp", "dpkg: error processing archive /var/cache/apt/archives/nvidia-l4t-core_36.4.3-20250107174145_arm64.deb (--unpack):\n"
     " new nvidia-l4t-core package pre-installation script subprocess returned error exit status 1",
     C.LIBRARY_MISMATCH, C.LIBRARY_MISMATCH, "jetson_l4t_package_refused"),
    # common/common.cpp @ b5000-b5500: -hf downloads
    ("llama.cpp", "common_get_hf_file: error: model is private or does not exist; if you are accessing a gated model, please provide a valid HF token",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_hf_model_refused"),
    ("llama.cpp", "error: failed to get manifest at https://huggingface.co/v2/unsloth/Qwen3-4B-GGUF/manifests/Q4_K_M: error: cannot make GET request: "
     "Couldn't resolve host name\nerror: failed to get manifest (check your internet connection)",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_hf_unreachable"),
    ("llama.cpp", "common_download_file_single: invalid http status code received: 404\n"
     "error: failed to download model from https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/qwen2.5-7b-instruct-q4_k_m.gguf",
     C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_download_failed"),
    # apache/tvm src/runtime/cuda/cuda_common.h and relax_vm/vm.cc, as MLC LLM prints them
    ("mlc-llm", "tvm.error.InternalError: Traceback (most recent call last):\n"
     "  File \"/opt/mlc-llm/3rdparty/tvm/src/runtime/cuda/cuda_device_api.cc\", line 143\n"
     "InternalError: Check failed: (e == cudaSuccess || e == cudaErrorCudartUnloading) is false: CUDA: out of memory",
     C.GPU_OOM, C.GPU_OOM, "tvm_cuda_out_of_memory"),
    ("mlc-llm", "tvm.error.InternalError: Traceback (most recent call last):\n"
     "InternalError: Check failed: (func.defined()) is false: Error: Cannot find PackedFunc vm.builtin.paged_attention_kv_cache_create_reduced "
     "in either Relax VM kernel library, or in TVM runtime PackedFunc registry, or in global Relax functions of the VM executable",
     C.LIBRARY_MISMATCH, C.LIBRARY_MISMATCH, "tvm_model_lib_function_missing"),
    # common/arg.cpp @ b4159 (builds without a GPU backend)
    ("llama.cpp", "warning: not compiled with GPU offload support, --gpu-layers option will be ignored",
     C.CPU_FALLBACK, C.CPU_FALLBACK, "llamacpp_no_gpu_offload_support"),
    # hf.co's registry for Ollama answers a sharded GGUF with its own 400
    ("ollama", 'Error: pull model manifest: 400: {"error":"The specified repository contains sharded GGUF. Ollama does not '
     'support this yet. Follow this issue for more info: https://github.com/ollama/ollama/issues/5245"}',
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "ollama_hf_sharded_gguf"),
    # llama.cpp examples/llava/clip.cpp get_key_idx, as Ollama reports its runner's end
    ("ollama", "Error: llama runner process has terminated: error:Missing required key: clip.has_text_encoder",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "llamacpp_clip_key_missing"),
    # llama.cpp src/llama-model-loader.cpp done_getting_tensors, as Ollama 0.1.x printed it
    ("ollama", "Error: exception done_getting_tensors: wrong number of tensors; expected 642, got 514",
     C.UNSUPPORTED_MODEL, C.UNSUPPORTED_MODEL, "llama_cpp_model_layout_mismatch"),
    # ggml gguf.c before 2025: the older wording, without "expected 'GGUF'"
    ("llama.cpp", "gguf_init_from_file: invalid magic characters '\x00\x00\x00\x00'\nllama_model_load: error loading model: "
     "llama_model_loader: failed to load model from /models/m.gguf", C.MODEL_UNAVAILABLE, C.MODEL_UNAVAILABLE, "llama_cpp_gguf_corrupt"),
    # ollama llm/server.go: the client left before the load finished
    ("ollama", 'time=2025-02-22T18:48:56.609Z level=WARN source=server.go:564 msg="client connection closed before server '
     'finished loading, aborting load"', C.STARTUP_TIMEOUT, C.STARTUP_TIMEOUT, "ollama_load_aborted_by_client"),
]


@pytest.mark.parametrize(("backend", "line", "x86", "jetson", "signature"), CASES,
                         ids=[f"{c[4]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
def test_messages_as_the_programs_print_them(
    backend: str, line: str, x86: FailureClass, jetson: FailureClass, signature: str
) -> None:
    start = OLLAMA_START if backend == "ollama" else LLAMA_START
    d = classify_text(start + line + "\n", backend=backend)
    assert (d.failure_class, d.signature) == (x86, signature)
    assert classify_text(start + line + "\n", backend=backend, jetson=True).failure_class is jetson


def test_a_named_cause_outranks_the_discovery_failure() -> None:
    """The discovery failure is weak: the driver error discovery printed before it decides."""
    log = OLLAMA_START + (
        "cudaSetDevice err: 35\n"
        'time=2025-12-03T03:17:28.308Z level=INFO source=runner.go:463 msg="failure during GPU discovery" '
        'OLLAMA_LIBRARY_PATH="[/usr/lib/ollama /usr/lib/ollama/cuda_v12]" extra_envs=map[] error="runner crashed"\n'
    )
    assert classify_text(log, backend="ollama").signature == "ollama_driver_too_old"


READY = [
    # ggml-org/llama.cpp tools/server/server.cpp (b4000+)
    ("llama.cpp", "main: server is listening on http://0.0.0.0:8080 - starting the main loop"),
    ("llama.cpp", "main: model loaded\nmain: server is listening on http://0.0.0.0:8080\nmain: starting the main loop..."),
    ("llama.cpp", "0.01.234.567 I main: starting the main loop..."),
    ("llama.cpp", "srv  update_slots: all slots are idle"),
    # ollama/ollama server/routes.go, llm/server.go @ v0.13.5
    ("ollama", 'time=2025-10-01T10:00:00.000Z level=INFO source=routes.go:1597 msg="Listening on [::]:11434 (version 0.13.5)"'),
    ("ollama", 'time=2025-10-01T10:00:03.000Z level=INFO source=server.go:1376 msg="llama runner started in 3.42 seconds"'),
]

# Ordinary INFO/WARN lines of the same programs in healthy starts.
ORDINARY = [
    'time=2025-10-01T10:00:00.000Z level=INFO source=runner.go:106 msg="experimental Vulkan support disabled.  To enable, set OLLAMA_VULKAN=1"',
    'time=2025-10-01T10:00:00.000Z level=WARN source=server.go:167 msg="requested context size too large for model" num_ctx=131072 n_ctx_train=32768',
    'time=2025-10-01T10:00:00.000Z level=WARN source=server.go:202 msg="flash attention enabled but not supported by gpu"',
    'time=2025-10-01T10:00:00.000Z level=WARN source=runner.go:356 msg="unable to refresh free memory, using old values"',
    'time=2025-10-01T10:00:00.000Z level=INFO source=sched.go:517 msg="loaded runners" count=1',
    'time=2025-10-01T10:00:00.000Z level=INFO source=types.go:60 msg="inference compute" id=GPU-0c2f6a1b library=CUDA compute=8.7 name=CUDA0 '
    'description=Orin libdirs=ollama,cuda_jetpack6 driver=12.6 pci_id=00:00.0 type=iGPU total="61.4 GiB" available="55.1 GiB"',
    "llama_params_fit_impl: projected to use 5120 MiB of device memory vs. 60123 MiB of free device memory",
    "llama_params_fit: successfully fit params to free device memory",
    # common_fit_params with -ngl set: the fit gives up and the model loads as asked (a warning)
    "0.00.366.780 W common_fit_params: failed to fit params to free device memory: n_gpu_layers already set by user to 999, abort",
    "load_tensors: offloaded 29/29 layers to GPU",
    "load_backend: loaded CUDA backend from /app/libggml-cuda.so",
    "ggml_cuda_init: GGML_CUDA_FORCE_MMQ:    no",
    "llama_context: n_ctx_per_seq (4096) < n_ctx_train (131072) -- the full capacity of the model will not be utilized",
    "llama_kv_cache:      CUDA0 KV buffer size =   224.00 MiB",
    "NvRmPrivGetChipIdLimited: Could not read Tegra chip id/rev",
    # NGC entrypoint notes (nvidia_entrypoint.sh): the second is printed on every Jetson iGPU run
    "NOTE: CUDA Forward Compatibility mode ENABLED.",
    "WARNING: Failed to detect NVIDIA driver version.",
    "NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be",
    "Expected on kernels without fuse support, using Orin",
]


@pytest.mark.parametrize(("backend", "ready"), READY)
def test_readiness_lines_read_as_none(backend: str, ready: str) -> None:
    start = OLLAMA_START if backend == "ollama" else LLAMA_START
    assert classify_text(start + ready + "\n", backend=backend).failure_class is C.NONE


@pytest.mark.parametrize("line", ORDINARY)
def test_ordinary_lines_are_no_failure(line: str) -> None:
    ready = 'time=2025-10-01T10:00:03.000Z level=INFO source=server.go:1376 msg="llama runner started in 3.42 seconds"\n'
    for jetson in (False, True):
        d = classify_text(OLLAMA_START + line + "\n" + ready, backend="ollama", jetson=jetson)
        assert d.failure_class is C.NONE, (line, d.signature)


def test_the_installers_jetpack_warning_yields_to_a_named_cause() -> None:
    """scripts/install.sh warns on any L4T but R35/R36, JetPack 7 (Thor) included, where
    Ollama runs its SBSA build: a cause the runner names in the same log decides."""
    log = (
        ">>> Downloading Linux arm64 bundle\n"
        "WARNING: Unsupported JetPack version detected.  GPU may not be supported\n"
        ">>> Install complete. Run \"ollama\" from the command line.\n"
        'time=2025-11-10T10:00:02.000Z level=ERROR source=sched.go:489 msg="error loading llama server" '
        'error="llama runner process has terminated: CUDA error: the resource allocation failed"\n'
    )
    d = classify_text(log, backend="ollama", jetson=True)
    assert d.signature == "ggml_cublas_alloc_failed_text"
    assert classify_text(log.splitlines()[1] + "\n", backend="ollama", jetson=True).failure_class is C.UNSUPPORTED_GPU
