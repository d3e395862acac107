"""CUDA stack messages (cuda.yaml) as the programs print them: the CUDA runtime and
driver error texts inside the wrappers that carry them (PyTorch, ggml, NCCL), cuBLAS and
cuDNN statuses, NVML return codes and NCCL results. Healthy lines from the same
programs must not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

# NVIDIA/nccl src/os/linux.cc @ v2.30.7: WARN("Error while %s shared memory segment %s (size %ld), error: %s (%d)")
SHM_FULL = ("node1:284:311 [0] os/linux.cc:842 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-vzIpS6 (size 9637888), "
    "error: No space left on device (28)")

# (line as printed, backend, class, class on Jetson). The CUDA text inside each line is
# cudaGetErrorString / cuGetErrorString's (CUDA 12.x cuda.h, driver_types.h); the wrapper
# is the program's: PyTorch c10/cuda/CUDAException.cpp ("CUDA error: %s"), old PyTorch THC
# ("cuda runtime error (%d) : %s"), c10 driver calls ("CUDA driver error: %s"), ggml
# ggml-cuda.cu ("%s: failed to initialize CUDA: %s"), NCCL checks.h ("Cuda failure '%s'").
CASES = [
    ("ggml_cuda_init: failed to initialize CUDA: CUDA driver is a stub library", "llama.cpp", C.GPU_RUNTIME_MISSING, None),
    ("RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable", "pytorch", C.GPU_RUNTIME_MISSING, None),
    ("RuntimeError: cuda runtime error (46) : all CUDA-capable devices are busy or unavailable at /pytorch/aten/src/THC/THCGeneral.cpp:74", "pytorch", C.GPU_RUNTIME_MISSING, None),
    ("UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)", "vllm", C.GPU_RUNTIME_MISSING, None),
    ("RuntimeError: CUDA error: API call is not supported in the installed CUDA driver", "pytorch", C.DRIVER_TOO_OLD, None),
    ("RuntimeError: CUDA error: PTX JIT compiler library not found", "pytorch", C.GPU_RUNTIME_MISSING, None),
    ("RuntimeError: CUDA error: device kernel image is invalid", "vllm", C.DRIVER_TOO_OLD, None),
    ("ggml_cuda_compute_forward: MUL_MAT failed\nCUDA error: a PTX JIT compilation failed", "llama.cpp", C.DRIVER_TOO_OLD, None),
    ("RuntimeError: CUDA driver error: operation not supported", "pytorch", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: operation not permitted", "pytorch", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: operation not permitted when stream is capturing", "vllm", C.UNKNOWN, None),
    ("torch.AcceleratorError: CUDA error: OS call failed or operation not supported on this OS", "vllm", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: invalid device ordinal", "vllm", C.GPU_RUNTIME_MISSING, None),
    ("RuntimeError: CUDA error: too many resources requested for launch", "vllm", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: an illegal memory access was encountered", "vllm", C.UNKNOWN, None),
    ("RuntimeError: CUDA error: unspecified launch failure", "sglang", C.UNKNOWN, None),
    ("CUDA error: the launch timed out and was terminated\n  current device: 0, in function ggml_cuda_mul_mat_batched_cublas at ggml-cuda.cu:1871", "llama.cpp", C.UNKNOWN, None),
    ("RuntimeError: CUDA error: uncorrectable ECC error encountered", "pytorch", C.UNKNOWN, None),
    ("RuntimeError: CUDA error: out of memory", "vllm", C.GPU_OOM, None),
    ("RuntimeError: cuda runtime error (2) : out of memory at /pytorch/aten/src/THC/THCCachingAllocator.cpp:510", "pytorch", C.GPU_OOM, None),
    ("RuntimeError: CUDA driver error: out of memory", "pytorch", C.GPU_OOM, None),
    ("node1:284:311 [0] include/alloc.h:114 NCCL WARN Cuda failure 'out of memory'", "vllm", C.GPU_OOM, None),
    ("cuda.bindings.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY", "tensorrt-llm", C.GPU_OOM, None),
    # Jetson's libcuda (L4T libnvrm_mem) when /dev/nvmap is not reachable
    ("NvRmMemInitNvmap failed with Permission denied\n549: Memory Manager Not supported\n****NvRmMemInit failed**** "
     "error type: 196626\nRuntimeError: No CUDA GPUs are available", "pytorch", C.GPU_RUNTIME_MISSING, None),
    ("NvRmMemInitNvmap failed: error Permission denied", "ollama", C.GPU_RUNTIME_MISSING, None),
    # NGC container entrypoint (triton-inference-server/server nvidia_entrypoint.sh; NGC framework images)
    ("WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.\n"
     "   Use Docker with NVIDIA Container Toolkit to start this container; see\n   https://github.com/NVIDIA/nvidia-docker.",
     "vllm", C.GPU_RUNTIME_MISSING, None),
    ("ERROR: This container was built for NVIDIA Driver Release 580.82 or later, but\n"
     "       version 540.4.0 was detected and compatibility mode is UNAVAILABLE.\n\n"
     "       [[System has unsupported display driver / cuda driver combination (CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) cuInit()=803]]",
     "vllm", C.DRIVER_TOO_OLD, None),
    # cuBLAS statuses as PyTorch's CUDABlas.cpp / CublasHandlePool.cpp print them
    ("RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`", "pytorch", C.GPU_OOM, C.LIBRARY_MISMATCH),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate(handle)`", "vllm", C.GPU_OOM, C.LIBRARY_MISMATCH),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_ARCH_MISMATCH when calling `cublasLtMatmul( ltHandle, computeDesc.descriptor(), &alpha_val, mat1_ptr, Adesc.descriptor(), mat2_ptr, Bdesc.descriptor(), &beta_val, result_ptr, Cdesc.descriptor(), result_ptr, Cdesc.descriptor(), &heuristicResult.algo, workspace.mutable_data_ptr(), workspaceSize, at::cuda::getCurrentCUDAStream())`", "pytorch", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_NOT_SUPPORTED when calling `cublasGemmEx( handle, opa, opb, m, n, k, &falpha, a, CUDA_R_16BF, lda, b, CUDA_R_16BF, ldb, &fbeta, c, CUDA_R_16BF, ldc, compute_type, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`", "vllm", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasSgemm( handle, opa, opb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc)`", "pytorch", C.UNKNOWN,
     C.LIBRARY_MISMATCH),  # on Jetson: a cuBLAS for another CUDA stack (cuda.yaml cublas_execution_failed_jetson)
    # cuDNN statuses as PyTorch's ATen/cudnn/Exceptions.h prints them ("cuDNN error: %s")
    ("RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED", "pytorch", C.GPU_OOM, C.LIBRARY_MISMATCH),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_ARCH_MISMATCH", "pytorch", C.UNSUPPORTED_GPU, None),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH", "pytorch", C.LIBRARY_MISMATCH, None),
    ("RuntimeError: cuDNN error: CUDNN_STATUS_EXECUTION_FAILED", "pytorch", C.UNKNOWN, None),
    # NVML: nvidia-smi ("Failed to initialize NVML: %s") and pynvml (NVMLError_<Name>: nvmlErrorString)
    ("Failed to initialize NVML: Driver/library version mismatch", "vllm", C.LIBRARY_MISMATCH, None),
    ("pynvml.NVMLError_LibRmVersionMismatch: RM has detected an NVML/RM version mismatch.", "vllm", C.LIBRARY_MISMATCH, None),
    ("pynvml.nvml.NVMLError_LibraryNotFound: NVML Shared Library Not Found", "vllm", C.GPU_RUNTIME_MISSING, C.LIBRARY_MISMATCH),
    ("pynvml.NVMLError_DriverNotLoaded: Driver Not Loaded", "sglang", C.GPU_RUNTIME_MISSING, None),
    ("Failed to initialize NVML: Unknown Error", "vllm", C.GPU_RUNTIME_MISSING, None),
    ("pynvml.NVMLError_GpuIsLost: GPU is lost", "vllm", C.UNKNOWN, None),
    ("pynvml.NVMLError_NotSupported: Not Supported", "vllm", C.UNKNOWN, None),
    # NCCL: WARN lines (src/os/linux.cc, misc/shmutils.cc) and ncclGetErrorString as
    # PyTorch ("NCCL error in: %s:%d, %s") and vLLM's pynccl ("NCCL error: %s") raise them
    ("node1:284:311 [0] misc/shmutils.cc:72 NCCL WARN Error: failed to extend /dev/shm/nccl-zJv4Vj to 9637892 bytes", "vllm", C.UNKNOWN, None),
    (SHM_FULL, "vllm", C.UNKNOWN, None),
    ("torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3", "pytorch", C.UNKNOWN, None),
    ("RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)", "vllm", C.UNKNOWN, None),
    ("RuntimeError: NCCL error: invalid usage (run with NCCL_DEBUG=WARN for details)", "vllm", C.UNKNOWN, None),
]


@pytest.mark.parametrize(("log", "backend", "expected", "on_jetson"), CASES, ids=lambda v: str(v)[:60])
def test_cuda_stack_messages_classify_as_their_source_means(
    log: str, backend: str, expected: FailureClass, on_jetson: FailureClass | None
) -> None:
    d = classify_text(log, backend=backend)
    assert d.failure_class is expected, d.signature
    assert d.signature and not d.signature.startswith(("marker", "no-evidence")), "a signature must name it"
    assert d.evidence and d.evidence[0].text
    assert classify_text(log, backend=backend, jetson=True).failure_class is (on_jetson or expected)


def test_nccl_shm_names_shm_not_a_full_disk() -> None:
    d = classify_text(SHM_FULL, backend="vllm")
    assert "/dev/shm" in d.cause and "--shm-size" in d.fix


def test_nccl_error_gives_way_to_the_cuda_failure_it_reports() -> None:
    log = (
        "node1:284:311 [0] include/alloc.h:114 NCCL WARN Cuda failure 'out of memory'\n"
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
        "unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3\n"
        "ncclUnhandledCudaError: Call to CUDA function failed.\n"
    )
    assert classify_text(log, backend="vllm").failure_class is C.GPU_OOM


# INFO/warning lines the same programs print on a healthy start (the NGC entrypoint's notes too),
# ending on vLLM's readiness.
HEALTHY = """\
==========
== vLLM ==
==========
NVIDIA Release 25.09 (build 214638690)
NOTE: Legacy NVIDIA Driver detected.  Compatibility mode ENABLED.
NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be
   insufficient for vLLM.  NVIDIA recommends the use of the following flags:
   docker run --gpus all --ipc=host --ulimit memlock=-1 --ulimit stack=67108864 ...
node1:284:284 [0] NCCL INFO Bootstrap : Using eth0:172.17.0.2<0>
node1:284:284 [0] NCCL INFO cudaDriverVersion 12040
NCCL version 2.21.5+cuda12.4
node1:284:311 [0] NCCL INFO Channel 00/02 :    0   1
node1:284:311 [0] NCCL INFO Connected all rings
[W1001 01:18:06.108184462 CUDAAllocatorConfig.h:28] Warning: expandable_segments not supported on this platform (function operator())
INFO 09-01 10:00:05 [cuda.py:398] Using Flash Attention backend on V1 engine.
(APIServer pid=1) INFO 09-01 10:00:56 [launcher.py:29] Available routes are:
INFO:     Application startup complete.
"""


def test_healthy_cuda_stack_lines_are_not_failures() -> None:
    assert classify_text(HEALTHY, backend="vllm").failure_class is C.NONE


@pytest.mark.parametrize("file", ["cuda.yaml", "pytorch.yaml", "vllm.yaml", "memory.yaml", "library.yaml"])
def test_every_entry_names_its_source(file: str) -> None:
    """Each signature in these files says where its wording comes from: a repository
    or a public header/doc, and a version."""
    from jetllm.classify.catalog import default_catalog

    entries = [s for s in default_catalog().signatures if s.file == file]
    assert entries
    for sig in entries:
        # an open repository at a tag, or a closed-source program's public header/docs by release
        closed = ("CUDA 12", "cuDNN 8", "TensorRT 8", "nvml.h", "(L4T) r3")
        assert sig.source and ("@" in sig.source or any(c in sig.source for c in closed)), sig.id
