"""A GPU that the program cannot use, as the program says so: Ollama's GPU-library
search coming back empty (cpu_fallback.yaml) and its minimum compute capability
(platform.yaml), ggml's tile flash-attention abort (llamacpp.yaml), bitsandbytes
without kernels for the GPU or without its native library (pytorch.yaml), TensorRT's DLA compiler library missing
(library.yaml), ONNX Runtime's fallback to its CPU provider (cpu_fallback.yaml). Healthy lines beside them must not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

OLLAMA_START_0_1_20 = """\
2024/02/01 10:00:00 images.go:808: total blobs: 3
2024/02/01 10:00:00 routes.go:930: Listening on [::]:11434 (version 0.1.20)
2024/02/01 10:00:01 gpu.go:88: Detecting GPU type
2024/02/01 10:00:01 gpu.go:203: Searching for GPU management library libnvidia-ml.so
"""

SLOG_0_1_25 = 'time=2024-02-20T10:00:01.000Z level=INFO source={src} msg="{msg}"\n'

# (log as printed, backend, jetson, class, signature)
CASES = [
    # ollama gpu/gpu.go v0.1.20 (log.Printf): NVML-only discovery finds nothing
    (OLLAMA_START_0_1_20 + "2024/02/01 10:00:01 gpu.go:248: Discovered GPU libraries: []\n", "ollama", True,
     C.UNSUPPORTED_GPU, "ollama_no_gpu_library"),
    (OLLAMA_START_0_1_20 + "2024/02/01 10:00:01 gpu.go:248: Discovered GPU libraries: []\n", "ollama", False,
     C.CPU_FALLBACK, "ollama_no_gpu_library"),
    # v0.1.25 (slog), and llm/llm.go's fallback at load
    (SLOG_0_1_25.format(src="gpu.go:308", msg="Discovered GPU libraries: []"), "ollama", False,
     C.CPU_FALLBACK, "ollama_no_gpu_library"),
    (SLOG_0_1_25.format(src="llm.go:77", msg="GPU not available, falling back to CPU"), "ollama", True,
     C.UNSUPPORTED_GPU, "ollama_no_gpu_library"),
    # a GPU below compute capability 5.0 (platform.yaml gpu_too_old): v0.1.32 and v0.3 on
    (SLOG_0_1_25.format(src="gpu.go:206", msg="[cudart] CUDA GPU is too old. Falling back to CPU mode. "
                        "Compute Capability detected: 3.5"), "ollama", False, C.UNSUPPORTED_GPU, "gpu_too_old"),
    (SLOG_0_1_25.format(src="gpu.go:264", msg="[0] CUDA GPU is too old. Compute Capability detected: 3.7"), "ollama",
     False, C.UNSUPPORTED_GPU, "gpu_too_old"),
    # ggml_abort ("%s:%d: %s") in the tile flash-attention kernels, from llama.cpp and Ollama's runner
    ("/app/ggml/src/ggml-cuda/fattn-tile.cuh:1227: fatal error\n"
     "/app/build/bin/libggml-base.so(ggml_abort+0x15e)[0x7f3c2a1b8e2e]\nAborted (core dumped)\n", "llama.cpp", False,
     C.UNSUPPORTED_GPU, "ggml_fattn_tile_abort"),
    ("//ml/backend/ggml/ggml/src/ggml-cuda/template-instances/../fattn-tile.cuh:1173: fatal error\nSIGABRT: abort\n"
     "PC=0x7f00 m=7 sigcode=18446744073709551610\n", "ollama", False, C.UNSUPPORTED_GPU, "ggml_fattn_tile_abort"),
    # bitsandbytes CUDA_CHECK_RETURN, printed to stderr or raised; on Jetson the PyPI aarch64
    # wheel is an sbsa build (bitsandbytes docs after PR #1941): a library mismatch there
    ("Error named symbol not found at line 90 in file /src/csrc/ops.cu\n", None, True,
     C.LIBRARY_MISMATCH, "bitsandbytes_kernel_missing"),
    ("Traceback (most recent call last):\n  File \"q.py\", line 5, in <module>\n    quantize_4bit(x)\n"
     "RuntimeError: Error named symbol not found at line 410 in file /src/csrc/ops.cu\n", "pytorch", False,
     C.UNSUPPORTED_GPU, "bitsandbytes_kernel_missing"),
    # bitsandbytes' native library that does not load, as 0.43, 0.45 and 0.46 word it
    ("RuntimeError: \n        CUDA Setup failed despite GPU being available. Please run the following command to get "
     "more information:\n\n        python -m bitsandbytes\n", "pytorch", False,
     C.LIBRARY_MISMATCH, "bitsandbytes_native_library_unavailable"),
    ("CUDA Setup failed despite CUDA being available. Please run the following command to get more information:\n", None,
     True, C.LIBRARY_MISMATCH, "bitsandbytes_native_library_unavailable"),
    ("\U0001f6a8 CUDA VERSION MISMATCH \U0001f6a8\nRequested CUDA version:          126\n"
     "Attempted to use bitsandbytes native library functionality but it's not available.\n\n", None, True,
     C.LIBRARY_MISMATCH, "bitsandbytes_native_library_unavailable"),
    ("\U0001f6a8 CUDA SETUP ERROR: Missing dependency: libcusparse.so.12 \U0001f6a8\n", None, False,
     C.LIBRARY_MISMATCH, "bitsandbytes_native_library_unavailable"),
    # glibc's dlerror for TensorRT's DLA compiler library, alone and after ONNX Runtime's own line
    ("[E:onnxruntime:Default, provider_bridge_ort.cc:1862 TryGetProviderInfo_TensorRT] "
     "/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1539 onnxruntime::Provider& "
     "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library "
     "libonnxruntime_providers_tensorrt.so with error: libnvdla_compiler.so: cannot open shared object file: "
     "No such file or directory\n", None, True, C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    ("trtexec: error while loading shared libraries: libnvdla_compiler.so: cannot open shared object file: "
     "No such file or directory\n", None, True, C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    # ONNX Runtime's session fallback, alone and after the EP error that explains it
    ("*************** EP Error ***************\nEP Error [ONNXRuntimeError] : 1 : FAIL : TensorRT EP could not "
     "deserialize engine when using ['TensorrtExecutionProvider', 'CPUExecutionProvider']\n"
     "Falling back to ['CPUExecutionProvider'] and retrying.\n", None, True, C.CPU_FALLBACK, "onnxruntime_ep_fallback_cpu"),
    ("Failed to load library libonnxruntime_providers_tensorrt.so with error: libnvinfer.so.10: cannot open shared "
     "object file: No such file or directory\nFalling back to ['CPUExecutionProvider'] and retrying.\n", None, False,
     C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
]


@pytest.mark.parametrize(("text", "backend", "jetson", "expected", "signature"), CASES,
                         ids=[f"{c[4]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
def test_messages_as_their_programs_print_them(
    text: str, backend: str | None, jetson: bool, expected: FailureClass, signature: str
) -> None:
    d = classify_text(text, backend=backend, jetson=jetson)
    assert (d.failure_class, d.signature) == (expected, signature)


@pytest.mark.parametrize("line", [
    # Ollama's discovery when it finds a library (v0.1.20 NVML, v0.1.32 the bundled cudart)
    "2024/02/01 10:00:01 gpu.go:248: Discovered GPU libraries: [/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.535.104.05]",
    SLOG_0_1_25.format(src="gpu.go:314", msg="Discovered GPU libraries: [/tmp/ollama1234/runners/cuda_v11/libcudart.so.11.0]"),
    SLOG_0_1_25.format(src="gpu.go:127", msg="Nvidia GPU detected via cudart"),
    SLOG_0_1_25.format(src="gpu.go:196", msg="[cudart] CUDART CUDA Compute Capability detected: 8.7"),
    # ggml and llama.cpp with flash attention on
    "llama_new_context_with_model: flash_attn = 1",
    "ggml_cuda_init: found 1 CUDA devices:",
    # the DLA compiler library where it is found
    "\tlibnvdla_compiler.so (libc6,AArch64) => /usr/lib/aarch64-linux-gnu/nvidia/libnvdla_compiler.so",
    # bitsandbytes' diagnostics (python -m bitsandbytes, 0.46) when its library loads
    "Checking that the library is importable and CUDA is callable...",
    # ONNX Runtime's providers when the GPU ones load
    "Available providers: ['TensorrtExecutionProvider', 'CUDAExecutionProvider', 'CPUExecutionProvider']",
])
def test_healthy_lines_match_no_failure(line: str) -> None:
    d = classify_text(line.rstrip("\n") + "\n", jetson=True)
    assert d.failure_class in (C.NONE, C.UNKNOWN)
    assert d.signature in (None, "no-evidence")
