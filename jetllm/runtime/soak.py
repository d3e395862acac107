"""run_soak(): the soak loop (jetllm/smoke/soak.py) with a watch on the server's
container when one is named: docker stats memory, restarts, whether it still runs,
the host's MemAvailable; and a verdict. A container that stopped or restarted
mid-soak is classified like any failed start, from its log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jetllm.core.diagnosis import ExitState, FailureClass
from jetllm.core.redact import Redactor, clip
from jetllm.core.soak import SoakResult, SoakSample
from jetllm.runtime import diagnose
from jetllm.runtime.logtail import clean

LOG_LINES = 400


def meminfo(path: Path = Path("/proc/meminfo")) -> dict[str, int | None]:
    """The host's MemAvailable and, on Jetson, NvMapMemUsed (GPU memory), in bytes."""
    found: dict[str, int | None] = {"mem_available_bytes": None, "nvmap_used_bytes": None}
    keys = {"MemAvailable:": "mem_available_bytes", "NvMapMemUsed:": "nvmap_used_bytes"}
    try:
        with path.open(encoding="ascii") as handle:
            for line in handle:
                parts = line.split()
                if parts and parts[0] in keys and len(parts) > 1 and parts[1].isdigit():
                    found[keys[parts[0]]] = int(parts[1]) * 1024
    except (OSError, ValueError):
        pass
    return found


class Watch:
    """Looks at one container: its memory (docker stats), restarts and state."""

    def __init__(self, client: Any, name: str) -> None:
        self.container = client.containers.get(name)
        self.restarts0 = int(self.container.attrs.get("RestartCount") or 0)

    def __call__(self) -> dict[str, Any]:
        seen: dict[str, Any] = dict(meminfo())
        try:
            self.container.reload()
            state = self.container.attrs.get("State", {})
            seen["running"] = bool(state.get("Running")) and not state.get("Restarting")
            seen["restarts"] = int(self.container.attrs.get("RestartCount") or 0) - self.restarts0
            if seen["running"]:
                stats = self.container.stats(stream=False)
                usage = (stats.get("memory_stats") or {}).get("usage")
                seen["container_memory_bytes"] = int(usage) if usage is not None else None
        except Exception:  # noqa: BLE001 (removed, or the daemon went away: it does not serve)
            seen["running"] = False
        return seen

    def exit_state(self) -> ExitState:
        try:
            self.container.reload()
            state = self.container.attrs.get("State", {})
            return ExitState(exit_code=state.get("ExitCode"), oom_killed=bool(state.get("OOMKilled")), ready=True)
        except Exception:  # noqa: BLE001
            return ExitState(ready=True)

    def log(self, redact: Redactor) -> list[str]:
        try:
            raw = self.container.logs(tail=LOG_LINES).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001
            return []
        return [clip(redact(clean(line)), 2000) for line in raw.splitlines()]


def run_soak(base_url: str, model: str, *, duration_s: float, concurrency: int, container: str | None = None,
             client: Any = None, max_requests: int | None = None, sample_s: float = 5.0,
             say: Callable[[str], None] | None = None, jetson: bool = False,
             tick: Callable[[float, int, int], None] | None = None) -> SoakResult:
    from jetllm.smoke.load import percentile
    from jetllm.smoke.soak import soak_loop

    watch = Watch(client, container) if container is not None and client is not None else None
    look: Callable[[], dict[str, Any]] = watch or (lambda: dict(meminfo()))
    if jetson:
        look = _with_thermal(look)
    figures = soak_loop(base_url, model, duration_s=duration_s, concurrency=concurrency,
                        max_requests=max_requests, look=look, sample_s=sample_s, say=say, tick=tick)
    first, last, drift = figures.drift()
    restarts = max([s.restarts or 0 for s in figures.samples], default=0)
    result = SoakResult(
        base_url=base_url, model=model, container=container, planned_s=duration_s,
        duration_s=round(figures.duration_s, 2), concurrency=concurrency, requests=figures.requests,
        errors=figures.errors, first_error=figures.first_error,
        latency_first_p50_s=first, latency_last_p50_s=last,
        latency_drift=round(drift, 4) if drift is not None else None,
        latency_p95_s=percentile([t for _, t in figures.done], 95),
        samples=figures.samples, restarts=restarts, verdict="stable", interrupted=figures.interrupted,
        ended_early=figures.ended_early)
    if jetson:
        result = with_throttling(result)
    died = figures.ended_early is not None or restarts > 0
    if died and watch is not None:
        state = watch.exit_state()
        cause = (f"the container stopped {figures.duration_s:.0f} s into the soak (exit code {state.exit_code})"
                 if figures.ended_early else f"the container restarted {restarts} times during the soak")
        found = diagnose.of_log(watch.log(Redactor()), state,
                                FailureClass.UNKNOWN, cause, backend=None, jetson=jetson)
        return result.model_copy(update={"verdict": found.failure_class.value, "diagnosis": found,
                                         "exit_code": state.exit_code})
    if figures.errors:
        found = diagnose.of_message(figures.first_error or "requests failed", FailureClass.UNKNOWN,
                                    cause=f"{figures.errors} of {figures.requests} requests failed: "
                                          f"{figures.first_error}", jetson=jetson)
        return result.model_copy(update={"verdict": found.failure_class.value, "diagnosis": found})
    return result


def _with_thermal(look: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    from jetllm.facts import default_root
    from jetllm.facts.thermal import thermal_sample

    return lambda: {**look(), **thermal_sample(default_root())}


def throttled_at(samples: list[SoakSample], ended: bool = True) -> list[SoakSample]:
    """The samples under load with the GPU clock below its max: all but the one taken once the
    loop `ended` (not after Ctrl-C or a stopped container: none is taken then)."""
    under_load = samples[:-1] if ended and len(samples) > 1 else samples
    return [s for s in under_load if s.gpu_freq_hz is not None and s.gpu_max_freq_hz
            and s.gpu_freq_hz < s.gpu_max_freq_hz]


def with_throttling(result: SoakResult) -> SoakResult:
    """`throttled` and a note naming the lowest clock and the hottest zone, where sysfs showed them."""
    clocked = [s for s in result.samples if s.gpu_freq_hz is not None and s.gpu_max_freq_hz]
    if not clocked:
        return result
    slow = throttled_at(result.samples, ended=not (result.interrupted or result.ended_early))
    if not slow:
        return result.model_copy(update={"throttled": False})
    low = min(slow, key=lambda s: s.gpu_freq_hz or 0)
    hot = max((s for s in result.samples if s.temp_max_c is not None), key=lambda s: s.temp_max_c or 0.0,
              default=None)
    note = (f"throttled: the GPU clock below its max in {len(slow)} of {len(result.samples)} samples, "
            f"lowest {(low.gpu_freq_hz or 0) / 1e6:.0f} MHz of {(low.gpu_max_freq_hz or 0) / 1e6:.0f} MHz "
            f"at {low.t_s:.0f} s")
    if hot is not None:
        note += f"; hottest {hot.temp_max_zone} {hot.temp_max_c:.1f} C at {hot.t_s:.0f} s"
    return result.model_copy(update={"throttled": True, "notes": [*result.notes, note]})
