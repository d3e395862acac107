"""PyTorch's own messages (pytorch.yaml) as it prints them, including the Jetson story's
allocator assert; its ordinary warnings must not read as failures."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

# c10/cuda/CUDACachingAllocator.cpp @ v2.5: TORCH_INTERNAL_ASSERT(NVML_SUCCESS == DriverAPI::get()->nvmlInit_v2_())
NVML_INIT_ASSERT = ('RuntimeError: NVML_SUCCESS == DriverAPI::get()->nvmlInit_v2_() INTERNAL ASSERT FAILED at '
                    '"/pytorch/c10/cuda/CUDACachingAllocator.cpp":983, please report a bug to PyTorch.')

# (log as printed, class). Sources: c10/cuda/CUDACachingAllocator.cpp (OOM text, v2.5 and
# v1.13 forms; TORCH_INTERNAL_ASSERT via c10/util/Exception.cpp "%s INTERNAL ASSERT FAILED
# at \"%s\":%d, please report a bug to PyTorch."), c10/cuda/CUDAFunctions.cpp,
# torch/cuda/__init__.py, torch/backends/cudnn/__init__.py.
CASES = [
    ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 224.00 MiB. GPU 0 has a total capacity of 7.44 GiB "
     "of which 91.06 MiB is free. Process 3117 has 7.34 GiB memory in use. Of the allocated memory 6.87 GiB is allocated "
     "by PyTorch, and 201.54 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try "
     "setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory "
     "Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)", C.GPU_OOM),
    ("RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 3.94 GiB total capacity; 3.36 GiB already "
     "allocated; 13.06 MiB free; 3.41 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try "
     "setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF",
     C.GPU_OOM),
    ('RuntimeError: NVML_SUCCESS == r INTERNAL ASSERT FAILED at "/opt/pytorch/c10/cuda/CUDACachingAllocator.cpp":1131, '
     "please report a bug to PyTorch.", C.CUDA_ALLOCATOR_ASSERT),
    (NVML_INIT_ASSERT, C.CUDA_ALLOCATOR_ASSERT),
    ('RuntimeError: NVML_SUCCESS == nvmlInit_v2_() INTERNAL ASSERT FAILED at "../c10/cuda/CUDACachingAllocator.cpp":1123, '
     "please report a bug to PyTorch.", C.CUDA_ALLOCATOR_ASSERT),
    ('RuntimeError: NVML_SUCCESS == DriverAPI::get()->nvmlDeviceGetHandleByPciBusId_v2_( pci_id, &nvml_device) INTERNAL '
     'ASSERT FAILED at "/opt/pytorch/c10/cuda/CUDACachingAllocator.cpp":1103, please report a bug to PyTorch.',
     C.CUDA_ALLOCATOR_ASSERT),
    ("AssertionError: Torch not compiled with CUDA enabled", C.LIBRARY_MISMATCH),
    ("/usr/local/lib/python3.10/dist-packages/torch/cuda/__init__.py:262: UserWarning:\n"
     "    Found GPU0 NVIDIA GeForce GTX 1080 Ti which is of cuda capability 6.1.\n"
     "    PyTorch no longer supports this GPU because it is too old.\n"
     "    The minimum cuda capability supported by this library is 7.5.\n", C.UNSUPPORTED_GPU),
    ("RuntimeError: cuDNN version incompatibility: PyTorch was compiled  against (8, 9, 2) but found runtime version "
     "(8, 6, 0). PyTorch already comes bundled with cuDNN. One option to resolving this error is to ensure PyTorch can "
     "find the bundled cuDNN.", C.LIBRARY_MISMATCH),
    ("RuntimeError: CUDA unknown error - this may be due to an incorrectly set up environment, e.g. changing env "
     "variable CUDA_VISIBLE_DEVICES after program start. Setting the available devices to be zero.", C.GPU_RUNTIME_MISSING),
    ("RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the "
     "'spawn' start method", C.UNKNOWN),
    ("RuntimeError: CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported at some "
     "other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1\n"
     "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.", C.UNKNOWN),
    ("RuntimeError: operator torchvision::nms does not exist", C.LIBRARY_MISMATCH),
    ("AttributeError: '_OpNamespace' '_C' object has no attribute 'rms_norm'", C.LIBRARY_MISMATCH),
    # Triton (bundled with PyTorch) python/triton/runtime/errors.py
    ("triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 81920, Hardware limit: 65536. "
     "Reducing block sizes or `num_stages` may help.", C.UNSUPPORTED_GPU),
    ("RuntimeError: Triton Error [CUDA]: out of memory", C.GPU_OOM),
    # a CUDA error inside PyTorch's wrapper: the CUDA text decides, not the wrapper's lines
    ("RuntimeError: CUDA error: no CUDA-capable device is detected\nCUDA kernel errors might be asynchronously reported at "
     "some other API call, so the stacktrace below might be incorrect.", C.GPU_RUNTIME_MISSING),
]


@pytest.mark.parametrize(("log", "expected"), CASES, ids=lambda v: str(v)[:60])
def test_pytorch_messages_classify_as_their_source_means(log: str, expected: FailureClass) -> None:
    d = classify_text(log, backend="pytorch")
    assert d.failure_class is expected, d.signature
    assert d.signature and not d.signature.startswith(("marker", "no-evidence"))


def test_the_story_assert_is_the_allocator_assert_on_jetson_too() -> None:
    log = (
        "INFO 11-12 10:00:00 [cache_engine.py:105] Allocating KV cache\n"
        'RuntimeError: NVML_SUCCESS == r INTERNAL ASSERT FAILED at "/opt/pytorch/c10/cuda/CUDACachingAllocator.cpp":1131, '
        "please report a bug to PyTorch.\n"
    )
    d = classify_text(log, backend="vllm", jetson=True)
    assert d.failure_class is C.CUDA_ALLOCATOR_ASSERT
    assert "PYTORCH_NO_CUDA_MEMORY_CACHING" in d.fix


def test_the_nvml_init_assert_says_smaller_will_not_help() -> None:
    d = classify_text(NVML_INIT_ASSERT, backend="vllm")
    assert d.retry_smaller.value == "no" and "NVML" in d.cause


HEALTHY = """\
/usr/local/lib/python3.10/dist-packages/torch/cuda/__init__.py:129: UserWarning: expandable_segments not supported on this platform (Triggered internally at /opt/pytorch/c10/cuda/CUDAAllocatorConfig.h:28.)
[W1001 01:18:06.108184462 CUDAAllocatorConfig.h:28] Warning: expandable_segments not supported on this platform (function operator())
/usr/local/lib/python3.10/dist-packages/torch/_inductor/compile_fx.py:150: UserWarning: TensorFloat32 tensor cores for float32 matrix multiplication available but not enabled. Consider setting `torch.set_float32_matmul_precision('high')` for better performance.
INFO 09-01 10:00:05 [__init__.py:241] Automatically detected platform cuda.
INFO:     Application startup complete.
"""


def test_pytorch_warnings_on_a_healthy_start_are_not_failures() -> None:
    assert classify_text(HEALTHY, backend="vllm").failure_class is C.NONE
