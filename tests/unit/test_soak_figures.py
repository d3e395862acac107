"""The soak's drift (first against last tenth) and its Prometheus textfile."""

from __future__ import annotations

import re

from jetllm.core.soak import SoakResult, SoakSample
from jetllm.report.prom import soak_textfile
from jetllm.smoke.soak import SoakFigures

SAMPLE = re.compile(r'^[a-z_]+\{([a-z_]+="(?:[^"\\]|\\.)*",?)+\} -?[0-9.e+]+$')


def test_drift_compares_the_first_and_the_last_tenth() -> None:
    # 100 s of requests; the response time grows from 1 s to 1.5 s in the last tenth.
    figures = SoakFigures(duration_s=101.0, done=[(float(t), 1.5 if t >= 90 else 1.0) for t in range(1, 101)])
    first, last, drift = figures.drift()
    assert (first, last) == (1.0, 1.5) and drift == 0.5
    assert SoakFigures().drift() == (None, None, None)


def test_textfile_is_prometheus_text_format() -> None:
    result = SoakResult(base_url='http://127.0.0.1:8000/v1', model='a"b', planned_s=60, duration_s=60,
                        concurrency=2, requests=120, errors=3, latency_first_p50_s=1.0, latency_last_p50_s=1.2,
                        latency_drift=0.2, latency_p95_s=1.4, verdict="gpu_oom",
                        samples=[SoakSample(t_s=0, requests=0, errors=0, container_memory_bytes=100),
                                 SoakSample(t_s=5, requests=9, errors=0, container_memory_bytes=300),
                                 SoakSample(t_s=10, requests=20, errors=0, container_memory_bytes=200)])
    text = soak_textfile(result, now=1_796_300_000.5)
    lines = text.splitlines()
    for line in lines:
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or SAMPLE.match(line), line
    types = [ln.split()[2] for ln in lines if ln.startswith("# TYPE")]
    assert len(types) == len(set(types))  # one TYPE per metric family
    assert 'model="a\\"b"' in text
    assert any('window="last_tenth",quantile="0.5"} 1.2' in ln for ln in lines)
    assert any(ln.startswith("jetllm_soak_container_memory_bytes{") and ln.endswith(" 200") for ln in lines)
    assert any(ln.startswith("jetllm_soak_container_memory_max_bytes{") and ln.endswith(" 300") for ln in lines)
    assert any(ln.startswith("jetllm_soak_stable{") and ln.endswith(" 0") for ln in lines)
    assert any(ln.endswith(" 1796300000.5") for ln in lines)


def test_the_progress_bar_shows_on_a_terminal_only() -> None:
    import io

    from rich.console import Console

    from jetllm.render.soak import SoakBar

    screen = io.StringIO()
    with SoakBar(10, Console(file=screen, force_terminal=True, width=100)) as bar:
        bar(5.0, 12, 1)
    assert "12 requests, 1 errors" in screen.getvalue()
    piped = io.StringIO()
    with SoakBar(10, Console(file=piped, force_terminal=False, width=100)) as bar:
        bar(5.0, 12, 1)
    assert piped.getvalue() == ""


def test_meminfo_reads_mem_available_and_nvmap_on_jetson() -> None:
    from pathlib import Path

    from jetllm.runtime.soak import meminfo

    orin = Path(__file__).parents[1] / "fixtures" / "hosts" / "orin-nx-r36.4.3" / "proc" / "meminfo"
    assert meminfo(orin) == {"mem_available_bytes": 12842052 * 1024, "nvmap_used_bytes": 312460 * 1024}
    assert meminfo(Path("/nonexistent/meminfo")) == {"mem_available_bytes": None, "nvmap_used_bytes": None}
