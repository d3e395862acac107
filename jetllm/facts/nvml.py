"""NVIDIA driver facts through NVML (pynvml, from nvidia-ml-py).

Calls a platform does not support (a Jetson answers NOT_SUPPORTED to memory
and process queries) are recorded by name, never raised. No NVML at all is a
fact (`available=False` with the reason), not an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from jetllm.core.facts import GpuFacts, GpuProcess, NvmlFacts

T = TypeVar("T")


def cuda_version(encoded: int) -> str:
    """12060 -> '12.6' (1000*major + 10*minor, as cuDriverGetVersion encodes it)."""
    return f"{encoded // 1000}.{(encoded % 1000) // 10}"


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


class _Asker:
    """Runs NVML calls, sorting failures into not_supported and errors."""

    def __init__(self, pynvml: Any) -> None:
        self.pynvml = pynvml
        self.not_supported: list[str] = []
        self.errors: list[str] = []

    def ask(self, name: str, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except self.pynvml.NVMLError as exc:
            if getattr(exc, "value", None) == self.pynvml.NVML_ERROR_NOT_SUPPORTED:
                self.not_supported.append(name)
            else:
                self.errors.append(f"{name}: {exc}")
            return None


def _why_unavailable(pynvml: Any, exc: Exception, integrated: bool) -> str:
    code = getattr(exc, "value", None)
    if code == pynvml.NVML_ERROR_LIBRARY_NOT_FOUND and integrated:
        return "NVML library libnvidia-ml.so.1 not found (JetPack 5 and older ship none)"
    if code == pynvml.NVML_ERROR_LIBRARY_NOT_FOUND:
        return "NVML library libnvidia-ml.so.1 not found: no NVIDIA driver is installed (or it is not on the loader path)"
    if code == pynvml.NVML_ERROR_DRIVER_NOT_LOADED:
        return "NVIDIA driver is installed but not loaded (NVML: Driver Not Loaded); reboot or check `dmesg | grep -i nvidia`"
    if code == pynvml.NVML_ERROR_NO_PERMISSION:
        return "NVML: insufficient permissions to open the GPU device files"
    return f"NVML could not start: {exc}"


def _cuda_driver_version(pynvml: Any, asker: _Asker) -> str | None:
    try:
        return cuda_version(pynvml.nvmlSystemGetCudaDriverVersion_v2())
    except pynvml.NVMLError as exc:
        # _v2 answers LIBRARY_NOT_FOUND without libcuda, older libraries lack it;
        # the v1 call then answers the version the driver supports.
        asker.errors.append(f"nvmlSystemGetCudaDriverVersion_v2: {exc}")
    encoded = asker.ask("nvmlSystemGetCudaDriverVersion", pynvml.nvmlSystemGetCudaDriverVersion)
    return cuda_version(encoded) if encoded else None


def _processes(pynvml: Any, handle: Any, asker: _Asker) -> list[GpuProcess] | None:
    def listing() -> list[Any]:
        try:
            return list(pynvml.nvmlDeviceGetComputeRunningProcesses(handle))
        except (pynvml.NVMLError_FunctionNotFound, pynvml.NVMLLibraryMismatchError):
            return list(pynvml.nvmlDeviceGetComputeRunningProcesses_v2(handle))

    found = asker.ask("nvmlDeviceGetComputeRunningProcesses", listing)
    if found is None:
        return None
    processes = []
    for entry in found:
        name = asker.ask("nvmlSystemGetProcessName", functools.partial(pynvml.nvmlSystemGetProcessName, entry.pid))
        used = entry.usedGpuMemory
        processes.append(
            GpuProcess(
                pid=int(entry.pid),
                used_memory_bytes=int(used) if used is not None else None,
                name=_text(name) if name else None,
            )
        )
    return processes


def _gpu(pynvml: Any, index: int) -> GpuFacts:
    asker = _Asker(pynvml)
    handle = asker.ask("nvmlDeviceGetHandleByIndex", lambda: pynvml.nvmlDeviceGetHandleByIndex(index))
    if handle is None:
        return GpuFacts(index=index, errors=asker.errors, not_supported=asker.not_supported)
    name = asker.ask("nvmlDeviceGetName", lambda: pynvml.nvmlDeviceGetName(handle))
    uuid = asker.ask("nvmlDeviceGetUUID", lambda: pynvml.nvmlDeviceGetUUID(handle))
    memory = asker.ask("nvmlDeviceGetMemoryInfo", lambda: pynvml.nvmlDeviceGetMemoryInfo(handle))
    capability = asker.ask(
        "nvmlDeviceGetCudaComputeCapability",
        lambda: pynvml.nvmlDeviceGetCudaComputeCapability(handle),
    )
    processes = _processes(pynvml, handle, asker)
    return GpuFacts(
        index=index,
        name=_text(name) if name is not None else None,
        uuid=_text(uuid) if uuid is not None else None,
        memory_total_bytes=int(memory.total) if memory is not None else None,
        memory_used_bytes=int(memory.used) if memory is not None else None,
        compute_capability=f"{capability[0]}.{capability[1]}" if capability else None,
        processes=processes,
        not_supported=asker.not_supported,
        errors=asker.errors,
    )


def probe(integrated: bool = False) -> NvmlFacts:
    """Read the driver through NVML; `integrated` (a Jetson) marks GPU memory as shared."""
    try:
        import pynvml
    except ImportError:  # pragma: no cover (a declared dependency)
        return NvmlFacts(error="nvidia-ml-py is not installed (pip install nvidia-ml-py)")
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return NvmlFacts(error=_why_unavailable(pynvml, exc, integrated), shared_memory=integrated)
    try:
        asker = _Asker(pynvml)
        driver = asker.ask("nvmlSystemGetDriverVersion", pynvml.nvmlSystemGetDriverVersion)
        cuda = _cuda_driver_version(pynvml, asker)
        count = asker.ask("nvmlDeviceGetCount", pynvml.nvmlDeviceGetCount) or 0
        gpus = [_gpu(pynvml, index) for index in range(count)]
    finally:
        try:
            pynvml.nvmlShutdown()
        except pynvml.NVMLError:
            pass
    return NvmlFacts(
        available=True,
        errors=asker.errors,
        driver_version=_text(driver) if driver is not None else None,
        cuda_driver_version=cuda,
        gpus=gpus,
        not_supported=asker.not_supported,
        shared_memory=integrated,
    )
