"""Checks on the NVIDIA driver and on GPU memory already in use."""

from __future__ import annotations

from jetllm.core.checks import Check, Status, gib
from jetllm.core.facts import HostFacts
from jetllm.core.units import GIB
from jetllm.knowledge import l4t

X86_DRIVER_FIX = (
    "install the NVIDIA driver: `sudo ubuntu-drivers install` on Ubuntu, `sudo apt install "
    "nvidia-driver` on Debian (non-free), or NVIDIA's packages "
    "(https://docs.nvidia.com/datacenter/tesla/driver-installation-guide/); reboot, then "
    "`nvidia-smi` must list the GPU"
)
JETSON_DRIVER_FIX = (
    "the Jetson GPU driver comes with L4T: flash JetPack with NVIDIA SDK Manager "
    "(https://developer.nvidia.com/sdk-manager), or on a flashed board run "
    "`sudo apt update && sudo apt install nvidia-jetpack`"
)
# NvMap allocations above this on an idle Jetson mean something else holds GPU memory
# (a desktop session alone holds a few hundred MiB).
NVMAP_BUSY_BYTES = 1 * GIB


def driver(facts: HostFacts) -> Check:
    nvml, jetson = facts.nvml, facts.jetson
    if nvml.available:
        if not nvml.gpus:
            return Check(
                id="nvidia-driver",
                status=Status.FAIL,
                message=f"NVIDIA driver {nvml.driver_version} is loaded but sees no GPU",
                fix="check that the GPU is seated and visible: `lspci | grep -i nvidia`, `nvidia-smi`, `sudo dmesg | grep -i nvrm`",
            )
        gpus = ", ".join(
            f"{g.name or 'GPU'} (compute capability {g.compute_capability or '?'})" for g in nvml.gpus
        )
        return Check(
            id="nvidia-driver",
            status=Status.PASS,
            message=f"driver {nvml.driver_version}, supports CUDA {nvml.cuda_driver_version or '?'}; "
            f"{len(nvml.gpus)} GPU: {gpus}",
        )
    if jetson.is_jetson and jetson.l4t:
        major = l4t.parse(jetson.l4t)
        release = f"L4T {jetson.l4t} (JetPack {jetson.jetpack or '?'})"
        if major is not None and major < (36,):
            # JetPack 5 and older ship no NVML and no nvidia-smi: that is normal there.
            return Check(
                id="nvidia-driver",
                status=Status.PASS,
                message=f"GPU driver from {release}; this release has no NVML, as expected "
                "(versions come from L4T)",
            )
        return Check(
            id="nvidia-driver",
            status=Status.WARN,
            message=f"GPU driver from {release}, but NVML did not load: {nvml.error}",
            fix="JetPack 6 ships libnvidia-ml.so.1 and nvidia-smi; if `nvidia-smi` fails, reinstall "
            "the BSP libraries: `sudo apt install --reinstall nvidia-jetpack`",
        )
    if jetson.is_jetson:
        return Check(
            id="nvidia-driver",
            status=Status.FAIL,
            message=f"a Jetson board ({jetson.model or jetson.soc}) without a readable L4T release: {jetson.error}",
            fix=JETSON_DRIVER_FIX,
        )
    return Check(
        id="nvidia-driver",
        status=Status.FAIL,
        message=nvml.error or "NVML is not available",
        fix=X86_DRIVER_FIX,
    )


def _held_by_processes(facts: HostFacts) -> list[str]:
    held = []
    for gpu in facts.nvml.gpus:
        for proc in gpu.processes or []:
            who = f"pid {proc.pid}" + (f" {proc.name}" if proc.name else "")
            held.append(f"{who} holds {gib(proc.used_memory_bytes)} on GPU {gpu.index}")
    return held


def gpu_memory(facts: HostFacts) -> Check:
    containers = facts.docker.gpu_containers
    held = _held_by_processes(facts)
    if containers:
        held.append("containers with a GPU: " + ", ".join(containers))
    fix = (
        "stop what holds the GPU before a model load: `docker stop NAME` for a container, "
        "else `kill PID` (list them with `nvidia-smi`"
        + (" or `sudo tegrastats`" if facts.jetson.is_jetson else "")
        + ")"
    )
    system = facts.system
    if facts.jetson.is_jetson or facts.nvml.shared_memory:
        nvmap = system.nvmap_used_bytes
        found = (
            f"GPU memory is shared system memory: {gib(system.memory_available_bytes)} available "
            f"of {gib(system.memory_total_bytes)} (/proc/meminfo MemAvailable; NVML does not "
            f"report it on Jetson); GPU allocations (NvMapMemUsed) hold {gib(nvmap)}"
        )
        if nvmap is not None and nvmap > NVMAP_BUSY_BYTES:
            held.append(f"NvMapMemUsed is {gib(nvmap)} before jetllm starts anything")
        if held:
            return Check(id="gpu-memory", status=Status.WARN, message=f"{found}; " + "; ".join(held), fix=fix)
        return Check(id="gpu-memory", status=Status.PASS, message=found)
    if not facts.nvml.available:
        if held:
            return Check(id="gpu-memory", status=Status.WARN, message="; ".join(held), fix=fix)
        return Check(id="gpu-memory", status=Status.PASS, message="not checked: no NVML (see nvidia-driver)")
    unlisted = [
        g for g in facts.nvml.gpus
        if g.processes is None and g.memory_used_bytes and g.memory_used_bytes > GIB
    ]
    for gpu in unlisted:
        held.append(f"GPU {gpu.index} has {gib(gpu.memory_used_bytes)} in use (NVML cannot list by whom)")
    free = ", ".join(
        f"GPU {g.index}: {gib(g.memory_used_bytes)} used of {gib(g.memory_total_bytes)}" for g in facts.nvml.gpus
    )
    if held:
        return Check(id="gpu-memory", status=Status.WARN, message="; ".join(held) + f" ({free})", fix=fix)
    return Check(id="gpu-memory", status=Status.PASS, message=f"no process holds GPU memory ({free})")
