"""The soak's figures as a Prometheus textfile (node_exporter's textfile collector:
write it into --collector.textfile.directory; it is written whole, by rename)."""

from __future__ import annotations

import time

from jetllm.core.soak import SoakResult


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _least(values: list[int | None]) -> float | None:
    found = [v for v in values if v is not None]
    return float(min(found)) if found else None


def _most(values: list[int | None]) -> float | None:
    found = [v for v in values if v is not None]
    return float(max(found)) if found else None


def _most_c(values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return max(found) if found else None


def soak_textfile(result: SoakResult, now: float | None = None) -> str:
    labels = f'base_url="{_label(result.base_url)}",model="{_label(result.model)}"'
    last_memory = next((s.container_memory_bytes for s in reversed(result.samples)
                        if s.container_memory_bytes is not None), None)
    peak_memory = max((s.container_memory_bytes for s in result.samples
                       if s.container_memory_bytes is not None), default=None)
    metrics: list[tuple[str, str, str, float | None, str]] = [
        ("jetllm_soak_stable", "gauge", "1 when the soak ended stable, else 0",
         1.0 if result.verdict == "stable" and not result.interrupted else 0.0, ""),
        ("jetllm_soak_duration_seconds", "gauge", "how long the soak ran", result.duration_s, ""),
        ("jetllm_soak_requests_total", "counter", "requests finished", float(result.requests), ""),
        ("jetllm_soak_errors_total", "counter", "requests that failed", float(result.errors), ""),
        ("jetllm_soak_latency_seconds", "gauge", "response time p50 of the first and last tenth, p95 overall",
         result.latency_first_p50_s, 'window="first_tenth",quantile="0.5"'),
        ("jetllm_soak_latency_seconds", "", "", result.latency_last_p50_s, 'window="last_tenth",quantile="0.5"'),
        ("jetllm_soak_latency_seconds", "", "", result.latency_p95_s, 'window="all",quantile="0.95"'),
        ("jetllm_soak_latency_drift_ratio", "gauge", "last tenth p50 over first tenth p50, minus 1",
         result.latency_drift, ""),
        ("jetllm_soak_container_memory_bytes", "gauge", "the container's memory at the last sample",
         float(last_memory) if last_memory is not None else None, ""),
        ("jetllm_soak_container_memory_max_bytes", "gauge", "the container's largest memory sampled",
         float(peak_memory) if peak_memory is not None else None, ""),
        ("jetllm_soak_host_mem_available_min_bytes", "gauge", "the host's lowest MemAvailable sampled",
         _least([s.mem_available_bytes for s in result.samples]), ""),
        ("jetllm_soak_nvmap_used_max_bytes", "gauge", "on Jetson, the largest NvMapMemUsed sampled (GPU memory)",
         _most([s.nvmap_used_bytes for s in result.samples]), ""),
        ("jetllm_soak_restarts_total", "counter", "container restarts during the soak", float(result.restarts), ""),
        ("jetllm_soak_gpu_throttled", "gauge", "on Jetson, 1 when the GPU clock fell below its max under load",
         None if result.throttled is None else float(result.throttled), ""),
        ("jetllm_soak_temperature_max_celsius", "gauge", "on Jetson, the hottest thermal zone sampled",
         _most_c([s.temp_max_c for s in result.samples]), ""),
        ("jetllm_soak_gpu_freq_min_hertz", "gauge", "on Jetson, the lowest GPU clock sampled",
         _least([s.gpu_freq_hz for s in result.samples]), ""),
        ("jetllm_soak_gpu_freq_max_hertz", "gauge", "on Jetson, the GPU's max clock (the power mode's cap)",
         _most([s.gpu_max_freq_hz for s in result.samples]), ""),
        ("jetllm_soak_timestamp_seconds", "gauge", "when the soak ended (Unix time)",
         now if now is not None else time.time(), ""),
    ]
    out: list[str] = []
    for name, kind, help_text, value, extra in metrics:
        if kind:
            out += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        if value is None:
            continue
        all_labels = labels + (f",{extra}" if extra else "")
        out.append(f"{name}{{{all_labels}}} {value:.15g}")
    verdict = f'{labels},verdict="{_label(result.verdict)}"'
    if result.power_mode:
        verdict += f',power_mode="{_label(result.power_mode)}"'
    if result.throttled is not None:
        verdict += f',throttled="{str(result.throttled).lower()}"'
    out += ["# HELP jetllm_soak_verdict_info the soak's verdict: stable, or the failure class",
            "# TYPE jetllm_soak_verdict_info gauge", f"jetllm_soak_verdict_info{{{verdict}}} 1"]
    return "\n".join(out) + "\n"
