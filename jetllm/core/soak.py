"""Soak: what a bounded request loop against a serving backend came to (`jetllm soak`)."""

from __future__ import annotations

from pydantic import Field

from jetllm.core.diagnosis import Diagnosis
from jetllm.core.record import Record


class SoakSample(Record):
    """One look at the server during the soak (every sample_s)."""

    t_s: float  # since the soak began
    requests: int  # finished so far
    errors: int
    container_memory_bytes: int | None = None  # docker stats: the container's usage
    mem_available_bytes: int | None = None  # the host's MemAvailable (/proc/meminfo)
    nvmap_used_bytes: int | None = None  # on Jetson, NvMapMemUsed (/proc/meminfo): GPU memory
    restarts: int | None = None  # the container's RestartCount
    running: bool | None = None
    # On Jetson (jetllm/facts/thermal.py): the hottest thermal zone, the GPU clock and its max
    temp_max_c: float | None = None
    temp_max_zone: str | None = None
    gpu_freq_hz: int | None = None
    gpu_max_freq_hz: int | None = None


class SoakResult(Record):
    base_url: str
    model: str
    container: str | None = None
    planned_s: float
    duration_s: float
    concurrency: int
    requests: int
    errors: int
    first_error: str | None = None
    # p50 of the response time in the first and the last tenth of the soak; drift = last / first - 1
    latency_first_p50_s: float | None = None
    latency_last_p50_s: float | None = None
    latency_drift: float | None = None
    latency_p95_s: float | None = None
    samples: list[SoakSample] = Field(default_factory=list)
    restarts: int = 0
    exit_code: int | None = None  # the container's, when it stopped during the soak
    verdict: str  # "stable", or the failure class of what went wrong
    diagnosis: Diagnosis | None = None  # when the container died: its log, classified
    interrupted: bool = False  # Ctrl-C: the figures so far
    power_mode: str | None = None  # on Jetson, `nvpmodel -q` when the soak began (e.g. "25W")
    ended_early: str | None = None  # why the loop stopped before its time
    throttled: bool | None = None  # on Jetson: the GPU clock below its max while under load
    notes: list[str] = Field(default_factory=list)  # beside the verdict (e.g. throttled, with figures)
