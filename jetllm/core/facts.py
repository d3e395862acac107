"""HostFacts: what doctor learns about a machine, and what every later stage reads.

One serialisable model; `jetllm doctor --json` prints it under "facts", and
`--facts FILE` reads it back (so a laptop can plan for a Jetson). A fact that
could not be read is None, with the reason in the matching *_error field or in
`not_supported`; probes never raise.
"""

from __future__ import annotations

from pydantic import Field

from jetllm.core.owner import State
from jetllm.core.record import Record

FACTS_SCHEMA_VERSION = 1


class PlatformFacts(Record):
    arch: str  # as `uname -m` prints it: x86_64, aarch64
    os_release: str | None = None  # PRETTY_NAME from /etc/os-release
    kernel: str | None = None


class JetsonFacts(Record):
    is_jetson: bool = False
    model: str | None = None  # /proc/device-tree/model
    soc: str | None = None  # last entry of /proc/device-tree/compatible, e.g. nvidia,tegra234
    cuda_arch: str | None = None  # "8.7" for Orin, from the SoC
    l4t: str | None = None  # "36.4.3": the key; JetPack labels are derived from it
    l4t_source: str | None = None  # "nv_tegra_release" | "dpkg"
    jetpack: str | None = None  # "6.2", from the L4T table (a data file)
    power_mode: str | None = None  # `nvpmodel -q`, e.g. "25W"
    # Added after the first contract (additive):
    release_line: str | None = None  # first line of /etc/nv_tegra_release, as read
    power_mode_id: int | None = None  # the id `nvpmodel -q` prints under the name
    error: str | None = None  # why L4T could not be read on a board that looks like a Jetson


class GpuProcess(Record):
    pid: int
    used_memory_bytes: int | None = None
    name: str | None = None


class GpuFacts(Record):
    index: int
    name: str | None = None
    uuid: str | None = None
    memory_total_bytes: int | None = None
    memory_used_bytes: int | None = None
    compute_capability: str | None = None  # "8.7"
    processes: list[GpuProcess] | None = None  # None when NVML cannot list them
    # NVML calls this device answered NOT_SUPPORTED (Jetson answers several).
    not_supported: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # other NVML errors, "call: message" (additive)


class NvmlFacts(Record):
    available: bool = False  # NVML loaded and initialised
    error: str | None = None  # why not: library not found, driver not loaded, ...
    driver_version: str | None = None  # "540.4.0"
    cuda_driver_version: str | None = None  # "12.6": the newest CUDA the driver supports
    gpus: list[GpuFacts] = Field(default_factory=list)
    not_supported: list[str] = Field(default_factory=list)
    shared_memory: bool = False  # integrated GPU (Jetson): GPU memory is system memory
    errors: list[str] = Field(default_factory=list)  # calls that failed otherwise (additive)


class JetllmContainer(Record):
    """A container jetllm started, judged on the machine that probed it (jetllm/core/owner.py)."""

    name: str
    run: str | None = None
    state: State
    reason: str


class DockerFacts(Record):
    reachable: bool = False
    # Why not reachable: "not_installed" | "not_running" | "permission_denied" | "error"
    error_kind: str | None = None
    error: str | None = None
    host: str | None = None  # the endpoint tried (DOCKER_HOST or the default socket)
    server_version: str | None = None
    runtimes: list[str] = Field(default_factory=list)
    default_runtime: str | None = None
    root_dir: str | None = None
    root_dir_free_bytes: int | None = None
    cdi_specs: list[str] = Field(default_factory=list)
    gpu_containers: list[str] = Field(default_factory=list)  # running containers holding a GPU
    # Orphaned jetllm containers: their jetllm process is gone (facts saved by
    # earlier versions list every container labelled by jetllm here).
    leftover_containers: list[str] = Field(default_factory=list)
    # Added after the first contract (additive):
    root_dir_free_error: str | None = None  # why free disk at root_dir is unknown
    cdi_spec_dirs: list[str] = Field(default_factory=list)  # the directories searched
    jetllm_containers: list[JetllmContainer] = Field(default_factory=list)  # every one, with its state


class SystemFacts(Record):
    cpu_count: int | None = None
    memory_total_bytes: int | None = None
    memory_available_bytes: int | None = None
    swap_total_bytes: int | None = None
    swap_free_bytes: int | None = None
    nvmap_used_bytes: int | None = None  # Jetson: GPU (NvMap) allocations, from /proc/meminfo
    hf_cache_dir: str | None = None
    hf_cache_free_bytes: int | None = None
    # Added after the first contract (additive):
    hf_cache_free_error: str | None = None
    meminfo_error: str | None = None  # why /proc/meminfo could not be read


class HostFacts(Record):
    schema_version: int = FACTS_SCHEMA_VERSION
    platform: PlatformFacts
    jetson: JetsonFacts = Field(default_factory=JetsonFacts)
    nvml: NvmlFacts = Field(default_factory=NvmlFacts)
    docker: DockerFacts = Field(default_factory=DockerFacts)
    system: SystemFacts = Field(default_factory=SystemFacts)
    host_root: str = "/"  # where /etc, /proc and /sys were read (a fixture tree in tests)
