"""Jetson thermals in the soak: the hottest online zone and the GPU clock read from a
sysfs tree (the offline cv* zones and a non-GPU devfreq node passed over); a GPU clock
below its max while under load makes the soak throttled, said in its notes, the
report and the Prometheus textfile."""

from __future__ import annotations

from pathlib import Path

from jetllm.core.soak import SoakResult, SoakSample
from jetllm.facts.thermal import gpu_clock, temperatures, thermal_sample
from jetllm.report.prom import soak_textfile
from jetllm.runtime.soak import with_throttling
from tests.support.jetson_sysfs import GPU_MAX_HZ, jetson_tree


def test_the_hottest_online_zone_and_the_gpu_clock(tmp_path: Path) -> None:
    root = jetson_tree(tmp_path, gpu_hz=306_000_000, temps_c={"gpu-thermal": 88.5, "tj-thermal": 87.9})
    zones = temperatures(root)
    assert "cv0-thermal" not in zones and zones["gpu-thermal"] == 88.5
    assert gpu_clock(root) == (306_000_000, GPU_MAX_HZ)
    assert thermal_sample(root) == {"temp_max_c": 88.5, "temp_max_zone": "gpu-thermal",
                                    "gpu_freq_hz": 306_000_000, "gpu_max_freq_hz": GPU_MAX_HZ}


def test_no_sysfs_no_figures(tmp_path: Path) -> None:
    assert thermal_sample(tmp_path) == {"temp_max_c": None, "temp_max_zone": None,
                                        "gpu_freq_hz": None, "gpu_max_freq_hz": None}


def metrics(text: str) -> dict[str, float]:
    return {line.split("{")[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}


def soak(clocks: list[int], **extra: object) -> SoakResult:
    samples = [SoakSample(t_s=5.0 * i, requests=10 * i, errors=0, temp_max_c=60.0 + i, temp_max_zone="gpu-thermal",
                          gpu_freq_hz=hz, gpu_max_freq_hz=GPU_MAX_HZ) for i, hz in enumerate(clocks)]
    return SoakResult(base_url="http://127.0.0.1:1/v1", model="m", planned_s=20, duration_s=20, concurrency=1,
                      requests=40, errors=0, samples=samples, verdict="stable", **extra)  # type: ignore[arg-type]


def test_below_max_under_load_is_throttled_with_a_note_and_a_metric() -> None:
    result = with_throttling(soak([GPU_MAX_HZ, 612_000_000, 306_000_000, 918_000_000, 114_750_000]))
    assert result.throttled is True and result.verdict == "stable"
    # The last sample comes once the requests stopped: an idle clock there is no throttling.
    assert result.notes == ["throttled: the GPU clock below its max in 2 of 5 samples, lowest 306 MHz "
                            "of 918 MHz at 10 s; hottest gpu-thermal 64.0 C at 20 s"]
    text = soak_textfile(result, now=0)
    found = metrics(text)
    assert found["jetllm_soak_gpu_throttled"] == 1 and found["jetllm_soak_temperature_max_celsius"] == 64.0
    assert found["jetllm_soak_gpu_freq_min_hertz"] == 114_750_000  # every sample's, the idle one too
    assert found["jetllm_soak_gpu_freq_max_hertz"] == GPU_MAX_HZ
    assert 'throttled="true"' in text


def test_at_max_under_load_is_not_throttled_and_off_jetson_nothing_is_said() -> None:
    result = with_throttling(soak([GPU_MAX_HZ, GPU_MAX_HZ, 114_750_000]))
    assert result.throttled is False and result.notes == []
    assert 'throttled="false"' in soak_textfile(result, now=0)
    assert metrics(soak_textfile(result, now=0))["jetllm_soak_gpu_throttled"] == 0
    plain = with_throttling(soak([]))
    text = soak_textfile(plain, now=0)
    assert plain.throttled is None and "throttled=" not in text and "jetllm_soak_gpu_throttled" not in metrics(text)


def test_the_report_shows_the_thermals_and_the_note() -> None:
    from jetllm.report import build_report
    from jetllm.report.markdown import render_markdown
    from jetllm.report.model import with_soak
    from jetllm.search.candidates import SearchResult

    report = build_report(SearchResult(results=[], elapsed_s=1.0), facts=None, command=[], model=None,
                          version="0.0.0")
    md = render_markdown(with_soak(report, with_throttling(soak([GPU_MAX_HZ, 306_000_000, GPU_MAX_HZ]))))
    assert "- Jetson thermals: hottest zone 62.0 C; GPU clock 306 to 918 MHz of 918 MHz max" in md
    assert "- note: throttled: the GPU clock below its max in 1 of 3 samples, lowest 306 MHz" in md
