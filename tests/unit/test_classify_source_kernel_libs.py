"""GPU architectures and the kernel libraries around the backends, as each program prints
its refusal: nvcc and ptxas (triton.yaml), Triton's FP8 types and PyTorch's extension
builder (triton.yaml), TensorRT (tensorrt.yaml), ONNX Runtime's execution providers
(onnxruntime.yaml), vLLM's / SGLang's quantisation kernels and PyTorch's FP8 matmul
(quantization.yaml), FlashInfer, FlashAttention, xFormers and bitsandbytes (their own
files), DeepGEMM and FlashMLA (sgl-kernel.yaml). A GPU too old or too new for a build is unsupported_gpu; a library built for another
CUDA / PyTorch is library_mismatch. Healthy lines of the same programs must not read as
failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

VLLM_ERR = "ERROR 11-20 10:00:01 [core.py:700] {}\n"
TRT = "[11/20/2025-10:00:01] [TRT] [E] {}\n"

# (log as printed, backend, jetson, class, signature)
CASES = [
    # nvcc (closed source): -arch=sm_XX it does not know, on DGX Spark (CUDA 12.6) and an old toolkit dropping sm_30
    ("nvcc fatal   : Value 'sm_121' is not defined for option 'gpu-architecture'\n", "vllm", False,
     C.UNSUPPORTED_GPU, "nvcc_gpu_architecture_value_undefined"),
    ("  /usr/local/cuda/bin/nvcc -gencode=arch=compute_30,code=sm_30 -c kernel.cu\n"
     "  nvcc fatal   : Value 'sm_30' is not defined for option 'gpu-architecture'\n"
     "  error: command '/usr/local/cuda/bin/nvcc' failed with exit code 1\n", None, False,
     C.UNSUPPORTED_GPU, "nvcc_gpu_architecture_value_undefined"),
    # ptxas (closed source): instructions the target lacks, as Triton and nvcc builds print them
    ("ptxas /tmp/compile-ptx-src-b5bf24, line 372; error   : Feature '.bf16' requires .target sm_80 or higher\n"
     "ptxas fatal   : Ptx assembly aborted due to errors\n", "pytorch", True,
     C.UNSUPPORTED_GPU, "ptxas_feature_needs_newer_target"),
    ("ptxas /tmp/tmpxft_00001af0_00000000-6_sm90_q64n32.ptx, line 10531; error   : Instruction 'tensormap.replace' "
     "not supported on .target 'sm_120'\n", None, False, C.UNSUPPORTED_GPU, "ptxas_feature_needs_newer_target"),
    ("ptxas /tmp/tmpxft_0000_00000000-6_quantize.ptx, line 6092; error   : Instruction 'cvt with .e2m1x2' not "
     "supported on .target 'sm_121a'\n", "sglang", False, C.UNSUPPORTED_GPU, "ptxas_feature_needs_newer_target"),
    # triton python/triton/language/semantic.py: v3.2+ ValueError, v2.2-v3.1 assert
    ("torch._inductor.exc.InductorError: CompilationError: at 1:0:\n"
     "def triton_poi_fused__to_copy_0(in_ptr0, out_ptr0, xnumel, XBLOCK : tl.constexpr):\n^\n"
     "ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are "
     "('fp8e4b15', 'fp8e5')\")\n", "vllm", True, C.UNSUPPORTED_GPU, "triton_fp8_type_not_in_arch"),
    ("AssertionError: fp8e4nv data type is not supported on CUDA arch < 89\n", "sglang", False,
     C.UNSUPPORTED_GPU, "triton_fp8_type_not_in_arch"),
    # torch/_inductor/exc.py GPUTooOldForTriton (wrapped by dynamo)
    ("torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:\nRuntimeError: Found NVIDIA GeForce GTX 960 "
     "which is too old to be supported by the triton GPU compiler, which is used as the backend. Triton only supports "
     "devices of CUDA Capability >= 7.0, but your device is of CUDA capability 5.2\n", "vllm", False,
     C.UNSUPPORTED_GPU, "inductor_gpu_too_old_for_triton"),
    # torch/utils/cpp_extension.py _get_cuda_arch_flags: a JIT extension build on a GPU newer than PyTorch
    ("  File \"/usr/local/lib/python3.10/dist-packages/torch/utils/cpp_extension.py\", line 1961, in "
     "_get_cuda_arch_flags\n    raise ValueError(f\"Unknown CUDA arch ({arch}) or GPU not supported\")\n"
     "ValueError: Unknown CUDA arch (12.1) or GPU not supported\n", "pytorch", False,
     C.UNSUPPORTED_GPU, "torch_cpp_extension_unknown_arch"),
    ("ValueError: Unknown CUDA arch (8.7+PTX) or GPU not supported\n", None, True,
     C.UNSUPPORTED_GPU, "torch_cpp_extension_unknown_arch"),
    # vLLM setup.py (v0.1-v0.4): building on a Jetson Nano, and with a CUDA too old for an Ada GPU
    ("      File \"<string>\", line 2, in <module>\n      File \"/tmp/pip-install-x/vllm/setup.py\", line 110, in "
     "<module>\n        raise RuntimeError(\n    RuntimeError: GPUs with compute capability below 7.0 are not "
     "supported.\n", "vllm", True, C.UNSUPPORTED_GPU, "source_build_gpu_capability_check"),
    ("RuntimeError: CUDA 11.8 or higher is required for compute capability 8.9.\n", "vllm", False,
     C.UNSUPPORTED_GPU, "source_build_gpu_capability_check"),
    # TensorRT (closed source) builder and runtime, as trtexec and the Python bindings print them
    ("[07/19/2025-23:34:55] [E] Error[9]: IBuilder::buildSerializedNetwork: Error Code 9: API Usage Error "
     "(Target GPU SM 120 is not supported by this TensorRT release.)\n[07/19/2025-23:34:55] [E] Engine could not be "
     "created from network\n&&&& FAILED TensorRT.trtexec [TensorRT v100700] [b23]\n", None, False,
     C.UNSUPPORTED_GPU, "tensorrt_target_sm_unsupported"),
    (TRT.format("1: Unsupported SM: 0x601") + TRT.format(
        "1: [caskUtils.cpp::nvinfer1::rt::task::trtSmToCask::193] Error Code 1: Internal Error (Unsupported SM: "
        "0x601)"), "tensorrt-llm", False, C.UNSUPPORTED_GPU, "tensorrt_unsupported_sm_cask"),
    ("INTERNAL_ERROR: Assertion failed: Unsupported SM.\n../rtSafe/cuda/caskUtils.cpp:80\nAborting...\n", None, True,
     C.UNSUPPORTED_GPU, "tensorrt_unsupported_sm_cask"),
    ("[F] [TRT] Assertion failed: (smVersion < SM_VERSION_A100) && \"SM version not supported in this NVRTC "
     "version\"\n", None, False, C.UNSUPPORTED_GPU, "tensorrt_nvrtc_sm_unsupported"),
    ("[09/11/2024-21:49:27] [E] Error[9]: IBuilder::buildSerializedNetwork: Error Code 9: API Usage Error (Networks "
     "with FP8 Q/DQ layers require hardware with FP8 support.)\n[09/11/2024-21:49:27] [E] Engine could not be created "
     "from network\n", None, True, C.UNSUPPORTED_GPU, "tensorrt_fp8_needs_hardware"),
    # ONNX Runtime onnxruntime_pybind_state.cc (1.17+ and 1.14-1.16 wording), then the CPU fallback
    ("2025-11-20 10:00:01.000 [W:onnxruntime:Default, onnxruntime_pybind_state.cc:1139 CreateExecutionProviderInstance] "
     "Failed to create CUDAExecutionProvider. Require cuDNN 9.* and CUDA 12.*. Please install all dependencies as "
     "mentioned in the GPU requirements page (https://onnxruntime.ai/docs/execution-providers/"
     "CUDA-ExecutionProvider.html#requirements), make sure they're in the PATH, and that your GPU is supported.\n",
     None, False, C.LIBRARY_MISMATCH, "onnxruntime_ep_create_failed"),
    ("[W:onnxruntime:Default, onnxruntime_pybind_state.cc:640 CreateExecutionProviderInstance] Failed to create "
     "TensorrtExecutionProvider. Please reference https://onnxruntime.ai/docs/execution-providers/"
     "TensorRT-ExecutionProvider.html#requirements to ensure all dependencies are met.\n"
     "Falling back to ['CPUExecutionProvider'] and retrying.\n", None, True,
     C.LIBRARY_MISMATCH, "onnxruntime_ep_create_failed"),
    ("/usr/local/lib/python3.10/dist-packages/onnxruntime/capi/onnxruntime_inference_collection.py:69: UserWarning: "
     "Specified provider 'CUDAExecutionProvider' is not in available provider names.Available providers: "
     "'AzureExecutionProvider, CPUExecutionProvider'\n", None, True,
     C.LIBRARY_MISMATCH, "onnxruntime_provider_not_available"),
    # vLLM marlin_utils.py: no types at all below Marlin's minimum (v0.5.x and v0.6+ wording) vs a model setting
    (VLLM_ERR.format("ValueError: Marlin does not support weight_bits = uint4b8. Only types = [] are supported (for "
                     "group_size = 128, min_capability = 75, zp = False)."), "vllm", False,
     C.UNSUPPORTED_GPU, "marlin_no_types_for_gpu"),
    ("ValueError: Marlin does not support weight_bits = uint4. Only types = [] are supported (for group_size = 128, "
     "device_capability = 72, zp = True).\n", "vllm", True, C.UNSUPPORTED_GPU, "marlin_no_types_for_gpu"),
    ("ValueError: Marlin does not support group_size = 256. Only group_sizes = [-1, 32, 64, 128] are supported.\n",
     "vllm", False, C.UNSUPPORTED_MODEL, "marlin_quant_config_unsupported"),
    # vLLM csrc/quantization/cutlass_w8a8/scaled_mm_entry.cu and fp4/nvfp4_scaled_mm_entry.cu
    ("RuntimeError: cutlass_scaled_mm, scaled_mm_entry.cu:259,\nNotImplementedError: No compiled cutlass_scaled_mm "
     "for a compute capability less than CUDA device capability: 121\n", "vllm", False,
     C.UNSUPPORTED_GPU, "cutlass_scaled_mm_not_compiled_for_cc"),
    ("NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less than CUDA device capability: "
     "87\n", "vllm", True, C.UNSUPPORTED_GPU, "cutlass_scaled_mm_not_compiled_for_cc"),
    ("RuntimeError: No compiled nvfp4 mm kernel for SM 80. Recompile with CUDA >= 12.8 and CC >= 100.\n", "vllm",
     False, C.UNSUPPORTED_GPU, "cutlass_scaled_mm_not_compiled_for_cc"),
    # PyTorch aten/src/ATen/native/cuda/Blas.cpp, reached from an FP8 linear layer
    ("RuntimeError: torch._scaled_mm is only supported on CUDA devices with compute capability >= 9.0 or 8.9, or "
     "ROCm MI300+\n", "vllm", True, C.UNSUPPORTED_GPU, "torch_scaled_mm_needs_sm89"),
    ("RuntimeError: torch._scaled_mm is only supported on devices with compute capability >= 9.0\n", "pytorch", False,
     C.UNSUPPORTED_GPU, "torch_scaled_mm_needs_sm89"),
    # vLLM kernels/mixed_precision/__init__.py and kernels/scaled_mm/__init__.py
    ("ValueError: Failed to find a kernel that can implement the WNA16 linear layer. Reasons: \n"
     " MacheteLinearKernel requires capability 90, current compute capability is 87\n"
     " MarlinLinearKernel cannot implement due to: Weight output_size_per_partition = 100 is not divisible by "
     "min_thread_n = 64.\n", "vllm", True, C.UNSUPPORTED_GPU, "vllm_no_linear_kernel"),
    # FlashInfer jit/core.py check_cuda_arch (v0.2 and 2026 wording), setup.py of v0.1
    ("  File \"/usr/local/lib/python3.12/dist-packages/flashinfer/jit/core.py\", line 108, in check_cuda_arch\n"
     "    raise RuntimeError(\"FlashInfer requires GPUs with sm75 or higher\")\n"
     "RuntimeError: FlashInfer requires GPUs with sm75 or higher\n", "sglang", False,
     C.UNSUPPORTED_GPU, "flashinfer_requires_sm75"),
    ("RuntimeError: FlashInfer requires sm75+\n", "vllm", True, C.UNSUPPORTED_GPU, "flashinfer_requires_sm75"),
    # FlashInfer utils.py BackendSupportedError, decode.py, mla/_core.py
    ("flashinfer.utils.BackendSupportedError: trtllm_fp8_block_scale_moe does not support compute capability 121; "
     "supported compute capabilities: [100, 103]\n", "vllm", False,
     C.UNSUPPORTED_GPU, "flashinfer_kernel_not_for_this_sm"),
    ("RuntimeError: MLA decode kernel is not supported on this GPU (SM87). Supported architecture: SM80.\n", "sglang",
     True, C.UNSUPPORTED_GPU, "flashinfer_kernel_not_for_this_sm"),
    ("ValueError: backend='trtllm-gen' requires SM100/SM103, got SM121\n", "vllm", False,
     C.UNSUPPORTED_GPU, "flashinfer_kernel_not_for_this_sm"),
    # FlashInfer compilation_context.py: nvcc targets for the JIT
    ("  File \"/usr/local/lib/python3.12/dist-packages/flashinfer/compilation_context.py\", line 83, in "
     "_normalize_cuda_arch\n    raise RuntimeError(\"SM 12.x requires CUDA >= 12.9\")\n"
     "RuntimeError: SM 12.x requires CUDA >= 12.9\n", "vllm", False, C.UNSUPPORTED_GPU, "flashinfer_jit_no_target_for_gpu"),
    ("RuntimeError: No supported CUDA architectures found for major versions [9, 10].\n", "sglang", True,
     C.UNSUPPORTED_GPU, "flashinfer_jit_no_target_for_gpu"),
    # FlashInfer jit/env.py: its kernel wheels of another release
    ("RuntimeError: flashinfer-jit-cache version (0.4.1+cu129) does not match flashinfer version (0.5.2). Please "
     "install the same version of both packages. Set FLASHINFER_DISABLE_VERSION_CHECK=1 to bypass this check.\n",
     "sglang", False, C.LIBRARY_MISMATCH, "flashinfer_package_version_mismatch"),
    # flash-attention flash_attn/cute/interface.py (FA4) and setup.py
    ("AssertionError: Unsupported compute capability. Supported: 9.x, 10.x, 11.x, 12.x\n", "vllm", True,
     C.UNSUPPORTED_GPU, "flash_attn_cute_unsupported_cc"),
    ("      RuntimeError: FlashAttention is only supported on CUDA 11.7 and above.  Note: make sure nvcc has a "
     "supported version by running nvcc -V.\n", None, False, C.LIBRARY_MISMATCH, "flash_attn_needs_newer_cuda"),
    ("RuntimeError: FlashAttention-3 is only supported on CUDA 12.3 and above\n", None, False,
     C.LIBRARY_MISMATCH, "flash_attn_needs_newer_cuda"),
    # flash-attention hopper/flash_api.cpp (TORCH_CHECK)
    ("RuntimeError: Only Hopper supports different V headdim\n", "vllm", False,
     C.UNSUPPORTED_GPU, "flash_attn_hopper_only_feature"),
    # xformers _cpp_lib.py (a warning, then the import fails)
    ("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n"
     "    PyTorch 2.5.1+cu121 with CUDA 1201 (you have 2.6.0+cu124)\n    Python  3.10.15 (you have 3.10.12)\n"
     "  Please reinstall xformers (see https://github.com/facebookresearch/xformers#installing-xformers)\n",
     "vllm", False, C.LIBRARY_MISMATCH, "xformers_extensions_not_loaded"),
    # xformers ops/fmha/common.py: the reasons under "No operator found" (vllm.yaml holds the headline)
    ("NotImplementedError: No operator found for `memory_efficient_attention_forward` with inputs:\n"
     "     query       : shape=(1, 512, 32, 128) (torch.bfloat16)\n"
     "`flshattF@v2.5.6` is not supported because:\n"
     "    requires device with capability > (8, 0) but your GPU has capability (7, 5) (too old)\n"
     "    bf16 is only supported on A100+ GPUs\n", "vllm", False,
     C.UNSUPPORTED_GPU, "xformers_gpu_capability_too_old"),
    ("`cutlassF-pt` is not supported because:\n    xFormers wasn't build with CUDA support\n", "pytorch", False,
     C.LIBRARY_MISMATCH, "xformers_extensions_not_loaded"),
    # DeepGEMM csrc/apis/*.hpp DG_HOST_UNREACHABLE, as sgl-kernel's and vLLM's bundled copies print it
    ("  File \"/usr/local/lib/python3.12/dist-packages/vllm/utils/deep_gemm.py\", line 453, in fp8_gemm_nt\n"
     "RuntimeError: Assertion error (/workspace/.deps/deepgemm-src/csrc/apis/hyperconnection.hpp:56): Unsupported "
     "architecture\n", "vllm", False, C.UNSUPPORTED_GPU, "deepgemm_unsupported_architecture"),
    ("RuntimeError: Assertion error (/sgl-kernel/build/_deps/repo-deepgemm-src/csrc/apis/../jit_kernels/impls/../"
     "heuristics/../../utils/layout.hpp:59): Unsupported architecture\n", "sglang", True,
     C.UNSUPPORTED_GPU, "deepgemm_unsupported_architecture"),
    # FlashMLA csrc/api/sparse_fwd.h (TORCH_CHECK)
    ("  File \"/usr/local/lib/python3.12/dist-packages/vllm/third_party/flashmla/flash_mla_interface.py\", line 475, in "
     "flash_mla_sparse_fwd\nRuntimeError: Sparse Attention Forward Kernel is only supported on SM90a and SM100f "
     "architectures.\n", "vllm", False, C.UNSUPPORTED_GPU, "flashmla_sparse_needs_sm90a_sm100f"),
    # bitsandbytes: cuda_setup/main.py 0.41, cextension.py 0.44, diagnostics/cuda.py 0.46, dlerror
    ("CUDA SETUP: Required library version not found: libbitsandbytes_cuda122.so. Maybe you need to compile it from "
     "source?\nCUDA SETUP: Defaulting to libbitsandbytes_cpu.so...\n", "pytorch", True,
     C.LIBRARY_MISMATCH, "bitsandbytes_cuda_binary_missing"),
    ("WARNING:bitsandbytes.cextension:Could not find the bitsandbytes CUDA binary at PosixPath('/usr/local/lib/"
     "python3.10/dist-packages/bitsandbytes/libbitsandbytes_cuda126.so')\n", "vllm", True,
     C.LIBRARY_MISMATCH, "bitsandbytes_cuda_binary_missing"),
    ("Library not found: /usr/local/lib/python3.10/dist-packages/bitsandbytes/libbitsandbytes_cuda126.so. Maybe you "
     "need to compile it from source?\n", None, True, C.LIBRARY_MISMATCH, "bitsandbytes_cuda_binary_missing"),
    ("ERROR:bitsandbytes.cextension:Could not load bitsandbytes native library: libcudart.so.13: cannot open shared "
     "object file: No such file or directory\n", "pytorch", False,
     C.LIBRARY_MISMATCH, "cuda_userspace_lib_missing"),
    # bitsandbytes 0.46-0.48 cextension.py: the load error, then the mock library's message on first use
    ("ERROR:bitsandbytes.cextension:bitsandbytes library load error: Configured CUDA binary not found at "
     "/usr/local/lib/python3.10/dist-packages/bitsandbytes/libbitsandbytes_cuda126.so\nTraceback (most recent call "
     "last):\n", "vllm", True, C.LIBRARY_MISMATCH, "bitsandbytes_cuda_binary_missing"),
    ("\U0001f6a8 Forgot to compile the bitsandbytes library? \U0001f6a8\n1. You're not using the package but checked-out "
     "the source code\n2. You MUST compile from source\n", None, False,
     C.LIBRARY_MISMATCH, "bitsandbytes_cuda_binary_missing"),
    ("/usr/local/lib/python3.10/dist-packages/bitsandbytes/cextension.py:34: UserWarning: The installed version of "
     "bitsandbytes was compiled without GPU support. 8-bit optimizers, 8-bit multiplication, and GPU quantization are "
     "unavailable.\n", "pytorch", True, C.LIBRARY_MISMATCH, "bitsandbytes_compiled_without_gpu"),
    # vLLM csrc cutlass_extensions (enable_sm120_only), FlashMLA, DeepGEMM: a device-side guard, then the trap
    ("This kernel only supports sm120.\ncudaErrorLaunchFailure: unspecified launch failure\n", "vllm", True,
     C.UNSUPPORTED_GPU, "kernel_arch_guard"),
    ("Assertion failed: This kernel only supports sm_100f\n", "sglang", False, C.UNSUPPORTED_GPU, "kernel_arch_guard"),
    # huggingface/text-embeddings-inference backends/candle/src/lib.rs
    ("Error: Could not create backend\n\nCaused by:\n    Could not start backend: Runtime compute cap 86 is not compatible "
     "with compile time compute cap 80\n", None, False, C.UNSUPPORTED_GPU, "tei_compute_cap_mismatch"),
]


@pytest.mark.parametrize(("text", "backend", "jetson", "expected", "signature"), CASES,
                         ids=[f"{c[4]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
def test_messages_as_their_programs_print_them(
    text: str, backend: str | None, jetson: bool, expected: FailureClass, signature: str
) -> None:
    d = classify_text(text, backend=backend, jetson=jetson)
    assert (d.failure_class, d.signature) == (expected, signature)


@pytest.mark.parametrize("line", [
    # vLLM's FP8 weight-only path on GPUs without FP8 (marlin_utils_fp8.py), a healthy warning
    "WARNING 11-20 10:00:01 [marlin_utils_fp8.py:80] Your GPU does not have native support for FP8 computation but FP8 "
    "quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel. This may "
    "degrade performance for compute-heavy workloads.",
    "INFO 11-20 10:00:01 [gptq_marlin.py:143] Using MarlinLinearKernel for GPTQMarlinLinearMethod",
    "INFO 11-20 10:00:01 gptq_marlin.py:109] The model is convertible to gptq_marlin during runtime. Using gptq_marlin "
    "kernel.",
    # vLLM's attention selector falling back on Turing (v0.5-v0.6), and FlashInfer's JIT on Orin
    "INFO 11-20 10:00:01 selector.py:217] Cannot use FlashAttention-2 backend for Volta and Turing GPUs.",
    "INFO 11-20 10:00:01 [flashinfer.py:31] Using FlashInfer for top-p & top-k sampling.",
    "2025-11-20 10:00:01,000 - INFO - flashinfer.jit: Loading JIT ops: sampling",
    # vLLM's dtype fallback on Turing (config/model.py), a healthy warning
    "WARNING 11-12 17:39:28 [model.py:1682] Your device 'NVIDIA GeForce RTX 2080 Ti' (with compute capability 7.5) "
    "doesn't support torch.bfloat16. Falling back to torch.float16 for compatibility.",
    # bitsandbytes' diagnostics on a GPU it supports
    "PyTorch settings found: CUDA_VERSION=126, Highest Compute Capability: (8, 7).",
    "WARNING: Compute capability < 7.5 detected! Only slow 8-bit matmul is supported for your GPU!",
    # TensorRT and trtexec when an engine builds and loads
    "[11/20/2025-10:00:01] [I] [TRT] Loaded engine size: 1024 MiB",
    "&&&& PASSED TensorRT.trtexec [TensorRT v100300] # trtexec --onnx=model.onnx --saveEngine=model.engine",
    # ONNX Runtime listing its GPU providers; xFormers' info when its kernels load
    "providers: ['CUDAExecutionProvider', 'CPUExecutionProvider']",
    "xFormers 0.0.28.post3",
    "INFO 11-20 10:00:01 selector.py:135] Using XFormers backend.",
    # nvcc compiling for the board's architecture
    "/usr/local/cuda/bin/nvcc -gencode=arch=compute_87,code=sm_87 -c flashinfer_ops.cu -o flashinfer_ops.cuda.o",
])
def test_healthy_lines_match_no_failure(line: str) -> None:
    d = classify_text(line.rstrip("\n") + "\n", jetson=True)
    assert d.failure_class in (C.NONE, C.UNKNOWN)
    assert d.signature in (None, "no-evidence")


def test_vllm_fa_probe_on_turing_is_no_failure_when_it_serves() -> None:
    # vllm/attention/utils/fa_utils.py logs the FlashAttention probe at ERROR level on a GPU below
    # sm_80, then picks another backend and serves: no signature may take it for a cause.
    log = (
        "(EngineCore_0 pid=1650) ERROR 11-20 10:00:01 [fa_utils.py:64] Cannot use FA version 2 is not supported "
        "due to FA2 is only supported on devices with compute capability >= 8\n"
        "(EngineCore_0 pid=1650) INFO 11-20 10:00:01 [cuda.py:289] Using TRITON_ATTN attention backend.\n"
        "(APIServer pid=1500) INFO 11-20 10:00:30 [api_server.py:1880] Starting vLLM API server 0 on "
        "http://0.0.0.0:8000\n"
        "(APIServer pid=1500) INFO:     Application startup complete.\n"
    )
    d = classify_text(log, backend="vllm", jetson=False)
    assert d.failure_class == C.NONE
