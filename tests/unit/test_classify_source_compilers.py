"""GPU code compilers and prebuilt kernels (triton.yaml: ptxas, nvcc, CUTLASS attention
kernels), NumPy's ABI check (library.yaml), sgl_kernel's import (sgl-kernel.yaml), a model
config a backend cannot read (hf-config.yaml), and the vLLM / PyTorch texts added with them,
as each program prints them; healthy lines beside them must not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

# (log as printed, backend, jetson, class, signature)
CASES = [
    # ptxas (CUDA 12.8, bundled with Triton 3.3-3.5) on a GB300 and on Thor; ptxas-blackwell's own prefix
    ("ptxas fatal   : Value 'sm_103a' is not defined for option 'gpu-name'", "vllm", False,
     C.UNSUPPORTED_GPU, "ptxas_unknown_gpu_name"),
    ("triton.runtime.errors.PTXASError: PTXAS error: Internal Triton PTX codegen error\n"
     "`ptxas` stderr:\nptxas-blackwell fatal   : Value 'sm_110f' is not defined for option 'gpu-name'\n", "pytorch", True,
     C.UNSUPPORTED_GPU, "ptxas_unknown_gpu_name"),
    ("nvcc fatal   : Unsupported gpu architecture 'compute_121a'", "sglang", False,
     C.UNSUPPORTED_GPU, "nvcc_unsupported_gpu_architecture"),
    # PyTorch's generated mem-efficient attention kernels (printf from device code)
    ("FATAL: kernel `fmha_cutlassF_bf16_aligned_64x128_rf_sm80` is for sm80-sm100, but was built for sm110", "pytorch",
     True, C.UNSUPPORTED_GPU, "cutlass_kernel_built_for_other_sm"),
    ("FATAL: this function is for sm80, but was built for sm120", "pytorch", False,
     C.UNSUPPORTED_GPU, "cutlass_kernel_built_for_other_sm"),
    # PTX newer than its assembler: the driver's JIT (driver too old) or a ptxas binary (toolchain mismatch)
    ("ptxas application ptx input, line 9; fatal   : Unsupported .version 8.5; current version is '8.2'", "pytorch",
     False, C.DRIVER_TOO_OLD, "ptx_version_above_driver_jit"),
    ("RuntimeError: Internal Triton PTX codegen error\nptxas /tmp/tmp4f0x1q/kernel.ptx, line 5; fatal   : Unsupported "
     ".version 8.8; current version is '8.7'\nptxas fatal   : Ptx assembly aborted due to errors", "vllm", False,
     C.LIBRARY_MISMATCH, "ptxas_older_than_ptx"),
    # NVRTC (PyTorch's runtime kernel compiler) that does not know the GPU
    ("  File \"/usr/local/lib/python3.12/dist-packages/torch/functional.py\", line 402, in einsum\n"
     "RuntimeError: nvrtc: error: invalid value for --gpu-architecture (-arch)\n", "pytorch", False,
     C.UNSUPPORTED_GPU, "nvrtc_unknown_gpu_architecture"),
    # Triton looking for the driver, Inductor looking for Triton
    ("torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:\nAssertionError: libcuda.so cannot found!\n"
     "Possible files are located at ['/usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1'].Please create a symlink of "
     "libcuda.so to any of the files.", "vllm", True, C.GPU_RUNTIME_MISSING, "triton_libcuda_not_found"),
    ("torch._inductor.exc.InductorError: TritonMissing: Cannot find a working triton installation. Either the package "
     "is not installed or it is too old. More information on installing Triton can be found at: "
     "https://github.com/triton-lang/triton", "vllm", True, C.LIBRARY_MISMATCH, "torch_inductor_triton_missing"),
    # NumPy: the 2.x warning (two lines), 1.x's import_array and Cython's size check
    ("A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.1.3 as it may crash. To support both 1.x "
     "and 2.x\nversions of NumPy, modules must be compiled with NumPy 2.0.\n", "vllm", False,
     C.LIBRARY_MISMATCH, "numpy_abi_mismatch"),
    ("AttributeError: _ARRAY_API not found\nImportError: numpy.core.multiarray failed to import", "sglang", False,
     C.LIBRARY_MISMATCH, "numpy_abi_mismatch"),
    ("ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 "
     "from PyObject", "vllm", False, C.LIBRARY_MISMATCH, "numpy_abi_mismatch"),
    # sgl_kernel
    ('    raise ImportError("Can not import sgl_kernel. Please check your installation.")\n'
     "ImportError: Can not import sgl_kernel. Please check your installation.", "sglang", True,
     C.LIBRARY_MISMATCH, "sgl_kernel_import_failed"),
    ("ImportError: [sgl_kernel] CRITICAL: Could not load any common_ops library!", "sglang", False,
     C.LIBRARY_MISMATCH, "sgl_kernel_import_failed"),
    ("ModuleNotFoundError: No module named 'sgl_kernel'", "sglang", True, C.LIBRARY_MISMATCH, "sgl_kernel_import_failed"),
    ("/usr/local/lib/python3.10/dist-packages/torch/_subclasses/functional_tensor.py:258: UserWarning: Failed to "
     "initialize NumPy: _ARRAY_API not found (Triggered internally at ../torch/csrc/utils/tensor_numpy.cpp:84.)\n"
     "RuntimeError: Numpy is not available", "vllm", True, C.LIBRARY_MISMATCH, "numpy_abi_mismatch"),
    ("RuntimeError: Numpy is not available", "pytorch", False, C.LIBRARY_MISMATCH, "numpy_abi_mismatch"),
    # NVFP4 refused by the platform check (SGLang and vLLM wording)
    ("ValueError: Current platform does not support NVFP4 quantization. Please use Blackwell and above.", "sglang", True,
     C.UNSUPPORTED_GPU, "quant_platform_unsupported"),
    ("ValueError: Current platform does not support NVFP4 quantization. Please use Blackwell GPUs or enable FlashInfer.",
     "vllm", False, C.UNSUPPORTED_GPU, "quant_platform_unsupported"),
    # a model config lacking what the backend's model code reads
    ("AttributeError: 'Phi4MMConfig' object has no attribute 'vision_config'", "vllm", False,
     C.UNSUPPORTED_MODEL, "model_config_missing_attribute"),
    # vLLM 0.6.3's profiler with no platform: Python 3.10 and 3.12 wording; on Jetson it means vLLM lacks Jetson support
    ("UnboundLocalError: local variable 'mem' referenced before assignment", "vllm", True,
     C.UNSUPPORTED_GPU, "vllm_memory_profiler_no_platform"),
    ("UnboundLocalError: cannot access local variable 'mem' where it is not associated with a value", "vllm", False,
     C.GPU_RUNTIME_MISSING, "vllm_memory_profiler_no_platform"),
    ("INFO 10-28 10:00:00 __init__.py:187] No platform detected, vLLM is running on UnspecifiedPlatform", "vllm", True,
     C.UNSUPPORTED_GPU, "vllm_no_platform"),
    # cuBLAS failing to run: on Jetson a cuBLAS for another CUDA stack (ollama#4391, #5100, PR #7217)
    ("CUDA error: CUBLAS_STATUS_EXECUTION_FAILED\n  current device: 0, in function ggml_cuda_op_mul_mat_cublas at "
     "ggml/src/ggml-cuda/ggml-cuda.cu:1320\n  cublasSgemm_v2(ctx.cublas_handle(id), CUBLAS_OP_T, CUBLAS_OP_N, row_diff, "
     "src1_ncols, ne10, &alpha, src0_ddf_i, ne00, src1_ddf1_i, ne10, &beta, dst_dd_i, ldc)", "llama.cpp", True,
     C.LIBRARY_MISMATCH, "cublas_execution_failed_jetson"),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasGemmEx( handle, opa, opb, m, n, k, "
     "&falpha, a, CUDA_R_16F, lda, b, CUDA_R_16F, ldb, &fbeta, c, CUDA_R_16F, ldc, CUDA_R_32F, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`",
     "pytorch", False, C.UNKNOWN, "cublas_execution_failed_jetson"),
    ("RuntimeError: CUDA error: CUBLAS_STATUS_INTERNAL_ERROR when calling `cublasCreate(handle)`", "pytorch", True,
     C.UNKNOWN, "cublas_execution_failed"),
    # Jetson's NvMap allocator out of memory (12 = ENOMEM); some programs survive it (platform.yaml)
    ("NvMapMemHandleAlloc: error 12\nNvMapMemAllocInternalTagged: 1075072515 error 12\n"
     "CUDA error: out of memory\n  current device: 0, in function ggml_backend_cuda_buffer_type_alloc_buffer", "llama.cpp",
     True, C.GPU_OOM, "cuda_error_out_of_memory"),  # NvMap's ENOMEM stays below the CUDA OOM it leads to
    # PyTorch's TORCH_CHECK on an NVML call (expandable segments' fabric query)
    ("RuntimeError: Expected NVML_SUCCESS == DriverAPI::get()->nvmlDeviceGetGpuFabricInfoV_( nvml_device, &fabricInfo) "
     "to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request "
     "to PyTorch.)", "vllm", True, C.CUDA_ALLOCATOR_ASSERT, "torch_nvml_check_failed"),
]


@pytest.mark.parametrize(("log", "backend", "jetson", "expected", "signature"), CASES, ids=lambda v: str(v)[:50])
def test_messages_classify_as_their_source_means(
    log: str, backend: str, jetson: bool, expected: FailureClass, signature: str
) -> None:
    d = classify_text(log, backend=backend, jetson=jetson)
    assert (d.failure_class, d.signature) == (expected, signature)


def test_the_jetson_reading_is_kept_for_jetson() -> None:
    log = "UnboundLocalError: cannot access local variable 'mem' where it is not associated with a value"
    assert classify_text(log, backend="vllm", jetson=False).failure_class is C.GPU_RUNTIME_MISSING
    assert "Jetson" in classify_text(log, backend="vllm", jetson=True).fix


HEALTHY = """\
INFO 05-13 14:43:10 [__init__.py:239] Automatically detected platform cuda.
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_attn_fwd' for 'sm_87'
ptxas info    : Used 128 registers, 472 bytes cmem[0]
INFO 05-13 14:43:12 [config.py:1909] Disabled the custom all-reduce kernel because it is not supported on current platform.
WARNING 05-13 14:43:17 [marlin_utils_fp8.py:167] Your GPU does not have native support for FP8 computation but FP8 quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel.
INFO 05-13 14:43:18 [__init__.py:30] numpy version 2.1.3, built for NumPy 2 ABI
[2025-06-01 10:00:05 TP0] sgl_kernel loaded from /usr/local/lib/python3.12/dist-packages/sgl_kernel/sm90/common_ops.abi3.so
INFO 05-13 14:43:20 [api_server.py:1090] Starting vLLM API server on http://0.0.0.0:8000
"""


def test_healthy_compiler_and_platform_lines_are_not_failures() -> None:
    d = classify_text(HEALTHY, backend="vllm")
    assert d.failure_class is C.NONE, (d.signature, d.evidence)


def test_a_ptxas_failure_after_a_healthy_start_is_still_the_gpu() -> None:
    log = HEALTHY + "ptxas fatal   : Value 'sm_121a' is not defined for option 'gpu-name'\n"
    assert classify_text(log, backend="vllm").failure_class is C.UNSUPPORTED_GPU


V1_STATS = ("(APIServer pid=1) INFO 09-01 10:03:10 [loggers.py:123] Engine 000: Avg prompt throughput: 512.3 tokens/s, "
            "Avg generation throughput: 87.9 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 4.1%, "
            "Prefix cache hit rate: 12.5%\n")
V0_STATS = ("INFO 10-28 10:05:00 metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 21.4 "
            "tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.3%, CPU KV cache usage: "
            "0.0%.\n")
PROGRESS = "(EngineCore_0 pid=284) INFO 09-01 10:00:30 [gpu_model_runner.py:1953] Model loading took 2.87 GiB and 12.52 seconds\n"


def test_vllm_serving_stats_are_evidence_of_health() -> None:
    assert classify_text(PROGRESS, backend="vllm").failure_class is C.UNKNOWN
    assert classify_text(PROGRESS + V1_STATS, backend="vllm").failure_class is C.NONE
    assert classify_text(PROGRESS + V0_STATS, backend="vllm").failure_class is C.NONE
    crash = "ERROR 09-01 10:05:00 [core.py:700] RuntimeError: CUDA error: an illegal memory access was encountered\n"
    assert classify_text(PROGRESS + V1_STATS + crash, backend="vllm").failure_class is C.UNKNOWN
