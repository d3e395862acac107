"""ngc.yaml: the NGC container entrypoint banners (nvidia_entrypoint.sh,
50-gpu-driver-check.sh, checkSMVER.sh), as the scripts echo them."""

from __future__ import annotations

import pytest

from jetllm.classify import FailureClass, classify_text

C = FailureClass

BANNER = """\
=============================
== Triton Inference Server ==
=============================

NVIDIA Release 24.05 (build 95239880)
Triton Server Version 2.46.0

Copyright (c) 2018-2024, NVIDIA CORPORATION & AFFILIATES.  All rights reserved.

"""

CASES = [
    # 50-gpu-driver-check.sh: no driver in the container
    ("WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.\n"
     "   Use the NVIDIA Container Toolkit to start this container with GPU support; see\n"
     "   https://docs.nvidia.com/datacenter/cloud-native/ .\n", C.GPU_RUNTIME_MISSING, "ngc_driver_not_detected"),
    # 50-gpu-driver-check.sh: driver older than the image, no forward compatibility
    ("ERROR: This container was built for NVIDIA Driver Release 560.35 or later, but\n"
     "       version 535.183.01 was detected and compatibility mode is UNAVAILABLE.\n\n"
     "       [[Forward compatibility was attempted on non supported HW (CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE) cuInit()=804]]\n",
     C.DRIVER_TOO_OLD, "ngc_driver_too_old"),
    # the same banner with an empty driver version: no driver at all
    ("ERROR: This container was built for NVIDIA Driver Release 515.48 or later, but\n"
     "       version  was detected and compatibility mode is UNAVAILABLE.\n\n       [[]]\n",
     C.GPU_RUNTIME_MISSING, "ngc_driver_version_empty"),
    # checkSMVER.sh
    ("ERROR: Detected Quadro M1200 GPU, which is not supported by this container\n"
     "ERROR: No supported GPU(s) detected to run this container\n", C.UNSUPPORTED_GPU, "ngc_gpu_not_supported"),
    ("ERROR: The NVIDIA Driver is present, but CUDA failed to initialize.  GPU functionality will not be available.\n"
     "   [[ Unknown error (error 999) ]]\n", C.GPU_RUNTIME_MISSING, "ngc_cuda_failed_to_initialize"),
]


@pytest.mark.parametrize(("text", "expected", "signature"), CASES, ids=[c[2] for c in CASES])
def test_ngc_banners_as_the_entrypoint_prints_them(text: str, expected: FailureClass, signature: str) -> None:
    d = classify_text(BANNER + text)
    assert (d.failure_class, d.signature) == (expected, signature)


def test_the_cuda_error_in_brackets_decides_when_it_names_a_cause() -> None:
    # checkSMVER.sh prints the CUDA error text inside [[ ]]: a too-old driver outranks the generic banner
    d = classify_text(BANNER + "ERROR: The NVIDIA Driver is present, but CUDA failed to initialize.  GPU functionality will not be available.\n"
                      "   [[ CUDA driver version is insufficient for CUDA runtime version (error 35) ]]\n")
    assert d.failure_class is C.DRIVER_TOO_OLD


@pytest.mark.parametrize("note", [
    "Failed to detect NVIDIA driver version.",  # printed on every Jetson iGPU run
    "NOTE: CUDA Forward Compatibility mode ENABLED.\n  Using CUDA 12.8 driver version 570.124.06 with kernel driver version 535.216.01.",
    "NOTE: Legacy NVIDIA Driver detected.  Compatibility mode ENABLED.",
    "NOTE: The SHMEM allocation limit is set to the default of 64MB.  This may be\n   insufficient for PyTorch.",
])
def test_ngc_notes_are_no_failure(note: str) -> None:
    assert classify_text(BANNER + note + "\n").signature == "no-evidence"
