"""families.yaml: the wording many programs share for one cause, as each program prints it,
for programs no per-program file has read. A program's own entry still decides where it matches,
and the warnings healthy servers print before they serve do not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

# (line as the program prints it, class, signature)
CASES = [
    # NVIDIA/warp warp/context.py @ v1.5.0, a UserWarning over three lines (joined by the reader)
    ("Warp UserWarning:\n   Insufficient CUDA driver version.\n   The minimum required CUDA driver version is 12.0, but "
     "the installed CUDA driver version is 11.8.\n", C.DRIVER_TOO_OLD, "family_driver_minimum_required"),
    ("Warp UserWarning: The minimum required CUDA driver version is 13.0, but the installed CUDA driver version is "
     "12.9.\n", C.DRIVER_TOO_OLD, "family_driver_minimum_required"),
    # Warp 1.9 and later, one line
    ("Warp UserWarning: Insufficient CUDA driver version: minimum required 13.0, installed driver 12.8\n",
     C.DRIVER_TOO_OLD, "family_driver_minimum_required"),
    # k-Wave's CUDA binary (CUDAParameters)
    ("Error: Insufficient CUDA driver version. The code needs CUDA version 12.2 but 11.4 is installed.\n",
     C.DRIVER_TOO_OLD, "family_driver_minimum_required"),
    # the shape from a program no entry names
    ("RuntimeError: the GPU driver version 470.82 is too old for this build\n", C.DRIVER_TOO_OLD,
     "family_driver_minimum_required"),
    # tensorflow gpu_device.cc @ v2.15.0: the GPU is ignored (TensorFlow goes on on the CPU)
    ("2020-07-07 15:35:48.536: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1721] Ignoring visible gpu device "
     "(device: 0, name: Tesla K80, pci bus id: 0000:00:1e.0, compute capability: 3.7) with Cuda compute capability 3.7. "
     "The minimum required Cuda capability is 7.0.\n", C.UNSUPPORTED_GPU, "family_minimum_compute_capability"),
    # the shape as other programs word it
    ("RuntimeError: this kernel requires a GPU with compute capability >= 8.0, found 7.2\n", C.UNSUPPORTED_GPU,
     "family_minimum_compute_capability"),
    ("ERROR: compute capability 6.1 is not supported by this build\n", C.UNSUPPORTED_GPU,
     "family_minimum_compute_capability"),
    # xla cuda_dnn.cc as TensorFlow 2.x and JAX print it (glog prefix)
    ("E0508 03:34:06.237713 14701 cuda_dnn.cc:522] Loaded runtime CuDNN library: 9.0.0 but source was compiled with: "
     "9.1.1.  CuDNN library needs to have matching major version and equal or higher minor version.\n",
     C.LIBRARY_MISMATCH, "family_built_against_other_version"),
    # TensorFlow 1.x wording of the same check
    ("E tensorflow/stream_executor/cuda/cuda_dnn.cc:378] Loaded runtime CuDNN library: 7003 (compatibility version "
     "7000) but source was compiled with 6021 (compatibility version 6000).\n", C.LIBRARY_MISMATCH,
     "family_built_against_other_version"),
    # jax_plugins/cuda/__init__.py @ jax-v0.4.30, for CUDA, cuDNN, cuSOLVER...
    ("CUDA backend failed to initialize: Found cuDNN version 8700, but JAX was built against version 8904, which is "
     "newer. The copy of cuDNN that is installed must be at least as new as the version against which JAX was built. "
     "(Set TF_CPP_MIN_LOG_LEVEL=0 and rerun for more info.)\n", C.LIBRARY_MISMATCH,
     "family_built_against_other_version"),
    # torchvision/extension.py @ v0.20.1 and torchaudio _extension/utils.py @ v2.5.1, raised
    ("Traceback (most recent call last):\n  File \"/app/serve.py\", line 3, in <module>\n    import torchvision\n"
     "RuntimeError: Detected that PyTorch and torchvision were compiled with different CUDA major versions. PyTorch "
     "has CUDA Version=13.0 and torchvision has CUDA Version=12.8. Please reinstall the torchvision that matches your "
     "PyTorch install.\n", C.LIBRARY_MISMATCH, "family_built_against_other_version"),
    ("RuntimeError: Detected that PyTorch and TorchAudio were compiled with different CUDA versions. PyTorch has CUDA "
     "version 12.1 whereas TorchAudio has CUDA version 12.4. Please install the TorchAudio version that matches your "
     "PyTorch version.\n", C.LIBRARY_MISMATCH, "family_built_against_other_version"),
    # jax/_src/xla_bridge.py @ jax-v0.4.13; tensorflow @ v2.15.0 (two wordings)
    ("WARNING:jax._src.xla_bridge:No GPU/TPU found, falling back to CPU. (Set TF_CPP_MIN_LOG_LEVEL=0 and rerun for more "
     "info.)\n", C.CPU_FALLBACK, "family_no_gpu_cpu_fallback"),
    ("2024-03-01 10:00:00.000000: I external/local_tsl/tsl/cuda/cudart_stub.cc:31] Could not find cuda drivers on your "
     "machine, GPU will not be used.\n", C.CPU_FALLBACK, "family_no_gpu_cpu_fallback"),
    ("W tensorflow/core/common_runtime/gpu/gpu_device.cc:2256] Cannot dlopen some GPU libraries. Please make sure the "
     "missing libraries mentioned above are installed properly if you would like to use GPU. Skipping registering GPU "
     "devices...\n", C.CPU_FALLBACK, "family_no_gpu_cpu_fallback"),
    ("WARNING: No CUDA devices found, falling back to CPU\n", C.CPU_FALLBACK, "family_no_gpu_cpu_fallback"),
    # XLA as JAX raises it; tensorflow op_kernel.cc; CTranslate2 CUDA_CHECK as faster-whisper prints it
    ("jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 17179869184 "
     "bytes.\n", C.GPU_OOM, "family_device_allocation_failed"),
    ("tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with "
     "shape[1024,1024,1024] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc\n",
     C.GPU_OOM, "family_device_allocation_failed"),
    ("RuntimeError: CUDA failed with error out of memory\n", C.GPU_OOM, "family_device_allocation_failed"),
    # the same check as other CUDA code words it, with the error number
    ("RuntimeError: forward /src/kernels.cu 120\ncuda failed with error 2 out of memory. use CUDA_LAUNCH_BLOCKING=1 to "
     "get correct traceback.\n", C.GPU_OOM, "family_device_allocation_failed"),
]


@pytest.mark.parametrize(("log", "expected", "signature"), CASES)
def test_a_shared_wording_reads_as_its_class(log: str, expected: FailureClass, signature: str) -> None:
    diagnosis = classify_text(log)
    assert (diagnosis.failure_class, diagnosis.signature) == (expected, signature)


# A program's own entry outranks the family where both match.
@pytest.mark.parametrize(
    ("log", "expected", "signature"),
    [
        # CTranslate2's CUDA_CHECK around the CUDA runtime's own message (cuda.yaml)
        ("RuntimeError: CUDA failed with error CUDA driver version is insufficient for CUDA runtime version\n",
         C.DRIVER_TOO_OLD, "cuda_insufficient_driver"),
        # PyTorch's capability check (pytorch.yaml)
        ("Found GPU0 Tesla K80 which is of cuda capability 3.7. PyTorch no longer supports this GPU because it is too "
         "old. The minimum cuda capability supported by this library is 5.0.\n", C.UNSUPPORTED_GPU,
         "torch_gpu_too_old"),
        # vLLM's dtype check (vllm.yaml)
        ("ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has "
         "compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for "
         "example: --dtype=half.\n", C.UNSUPPORTED_GPU, "vllm_min_capability"),
    ],
)
def test_a_programs_own_entry_decides(log: str, expected: FailureClass, signature: str) -> None:
    diagnosis = classify_text(log)
    assert (diagnosis.failure_class, diagnosis.signature) == (expected, signature)


# Warnings healthy servers print, then serve: these stay healthy.
HEALTHY = [
    # vLLM: an attention backend that does not run on this GPU, and a fallback to another one
    "WARNING 05-01 10:00:00 [cuda.py:200] Compute capability 7.5 is not supported by FlashAttention, falling back to "
    "XFormers.\nINFO:     Application startup complete.\n",
    # SGLang: an optional model module whose import failed (torchaudio of another CUDA)
    "[2026-02-08 06:29:37] Ignore import error when loading sglang.srt.models.midashenglm: Detected that PyTorch and "
    "TorchAudio were compiled with different CUDA versions. PyTorch has CUDA version 12.8 whereas TorchAudio has CUDA "
    "version 12.9. Please install the TorchAudio version that matches your PyTorch version.\n"
    "[2026-02-08 06:29:50] The server is fired up and ready to roll!\n",
    # TensorFlow on a working GPU: the device line, and the BFC allocator's retry that is not a failure
    "I tensorflow/core/common_runtime/gpu/gpu_device.cc:1886] Created device /job:localhost/replica:0/task:0/device:GPU:0"
    " with 22302 MB memory:  -> device: 0, name: NVIDIA GeForce RTX 3090, pci bus id: 0000:01:00.0, compute "
    "capability: 8.6\nW external/local_tsl/tsl/framework/bfc_allocator.cc:296] Allocator (GPU_0_bfc) ran out of memory "
    "trying to allocate 2.00GiB with freed_by_count=0. The caller indicates that this is not a failure, but this may "
    "mean that there could be performance gains if more memory were available.\nINFO:     Uvicorn running on "
    "http://0.0.0.0:8000 (Press CTRL+C to quit)\n",
    # llama.cpp: a tensor kept in host memory, on a GPU build that serves
    "load_tensors: tensor 'token_embd.weight' (q4_K) (and 0 others) cannot be used with preferred buffer type "
    "CUDA_Host, using CPU instead\nmain: server is listening on http://0.0.0.0:8080 - starting the main loop\n",
    # nvidia-smi's header in a healthy log
    "| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |\n"
    "INFO:     Application startup complete.\n",
]


@pytest.mark.parametrize("log", HEALTHY)
def test_healthy_warnings_do_not_read_as_failures(log: str) -> None:
    assert classify_text(log).failure_class is C.NONE
