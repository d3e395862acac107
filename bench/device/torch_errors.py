"""Real PyTorch wordings on a real GPU, each written to $OUT/NAME.txt as PyTorch words it.

    python torch_errors.py alloc NAME   allocate past free memory (run with the NVML shim
                                        preloaded for the story's allocator assert, without
                                        it for a plain CUDA out-of-memory)
    python torch_errors.py nokernel NAME
                                        run a kernel built for another GPU architecture
                                        (torch.utils.cpp_extension, TORCH_CUDA_ARCH_LIST)
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

OUT = Path(os.environ["OUT"])


def keep(name: str, exc: BaseException) -> None:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    (OUT / f"{name}.txt").write_text(text)
    print(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def alloc(name: str) -> int:
    import torch

    free, total = torch.cuda.mem_get_info()
    print(f"{name}: free {free / 2**30:.2f} GiB of {total / 2**30:.2f} GiB")
    held = []
    try:
        held.append(torch.empty(int(free * 0.9), dtype=torch.uint8, device="cuda"))
        held.append(torch.empty(int(free * 0.5) + (1 << 30), dtype=torch.uint8, device="cuda"))
    except BaseException as exc:  # noqa: BLE001 (the wording is what we came for)
        keep(name, exc)
        return 0
    print(f"{name}: the allocation did not fail", file=sys.stderr)
    return 1


SOURCE = """
#include <torch/extension.h>
__global__ void fill(float *x, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] = 1.0f; }
torch::Tensor run(torch::Tensor x) {
    fill<<<(x.numel() + 255) / 256, 256>>>(x.data_ptr<float>(), x.numel());
    C10_CUDA_CHECK(cudaGetLastError());
    return x;
}
"""


def nokernel(name: str) -> int:
    import torch
    from torch.utils.cpp_extension import load_inline

    (OUT / "nokernel-build").mkdir(exist_ok=True)
    major, _ = torch.cuda.get_device_capability(0)
    os.environ["TORCH_CUDA_ARCH_LIST"] = "7.0" if major >= 8 else "8.0"  # no cubin or PTX for this GPU
    module = load_inline("jetllm_nokernel", cpp_sources="torch::Tensor run(torch::Tensor x);",
                         cuda_sources=SOURCE, functions=["run"],
                         build_directory=str(OUT / "nokernel-build"), extra_cuda_cflags=["-O0"])
    try:
        module.run(torch.zeros(1024, device="cuda"))
        torch.cuda.synchronize()
    except BaseException as exc:  # noqa: BLE001
        keep(name, exc)
        return 0
    print(f"{name}: the kernel ran", file=sys.stderr)
    return 1


if __name__ == "__main__":
    what, name = sys.argv[1], sys.argv[2]
    sys.exit({"alloc": alloc, "nokernel": nokernel}[what](name))
