"""The concurrency sweep's figures: percentiles, levels, the report table and plot,
and --target-p95 as a requirement."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from jetllm.cli.options import load_plan
from jetllm.core.errors import UsageError
from jetllm.core.load import LoadLevel, LoadSweep
from jetllm.report.markdown import render_markdown
from jetllm.report.plot import latency_svg
from jetllm.smoke.load import parse_levels, percentile
from tests.unit.search_fakes import FakeWorld, candidate


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10.0 and percentile(values, 95) == 19.0
    assert percentile([3.0], 95) == 3.0 and percentile([], 50) is None


def test_levels_and_target_are_checked() -> None:
    assert parse_levels("8, 1,2,4,2") == [1, 2, 4, 8]
    plan = load_plan("1,2", "3s")
    assert plan is not None and plan.levels == [1, 2] and plan.target_p95_s == 3.0
    assert load_plan(None, None) is None
    with pytest.raises(UsageError, match="--concurrency-sweep: '0' is not a concurrency"):
        load_plan("0,2", None)
    with pytest.raises(UsageError, match="--target-p95: not a duration"):
        load_plan("1", "fast")


SWEEP = LoadSweep(max_tokens=64, prompt="p", target_p95_s=3.0, best=2, levels=[
    LoadLevel(concurrency=1, requests=3, ttft_p50=0.1, ttft_p95=0.2, itl_p50=0.02, itl_p95=0.03,
              total_p50=1.4, total_p95=1.6, tokens_per_s=40.0, meets_target=True),
    LoadLevel(concurrency=2, requests=6, ttft_p50=0.2, ttft_p95=0.3, itl_p50=0.03, itl_p95=0.04,
              total_p50=2.1, total_p95=2.9, tokens_per_s=60.0, meets_target=True),
    LoadLevel(concurrency=4, requests=12, errors=1, ttft_p50=0.4, ttft_p95=1.1, itl_p50=0.05, itl_p95=0.09,
              total_p50=3.5, total_p95=5.8, tokens_per_s=70.0, meets_target=False, error="HTTP 503: busy"),
])


def test_the_plot_is_svg_with_a_line_per_series_and_the_target() -> None:
    svg = ET.fromstring(latency_svg(SWEEP))
    ns = "{http://www.w3.org/2000/svg}"
    lines = {p.get("class"): p for p in svg.iter(f"{ns}polyline")}
    assert set(lines) == {"total_p95", "total_p50", "ttft_p95"}
    assert len(lines["total_p95"].get("points", "").split()) == 3
    texts = [t.text for t in svg.iter(f"{ns}text")]
    assert "target 3 s" in texts and ["1", "2", "4"] == [t for t in texts if t in ("1", "2", "4")]
    # Higher latency is drawn higher: p95 at concurrency 4 sits above p95 at 1.
    ys = [float(p.split(",")[1]) for p in lines["total_p95"].get("points", "").split()]
    assert ys[2] < ys[0]


def report_with(sweep: LoadSweep):  # type: ignore[no-untyped-def]
    from jetllm.report import build_report
    from jetllm.search import Budget, PreflightVerdict, run_search

    world = FakeWorld(rules={"llama": lambda s: None})

    def attempt(c, s, t):  # type: ignore[no-untyped-def]
        return world(c, s, t).model_copy(update={"load": sweep})

    result = run_search([candidate("llama")], preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=attempt, budget=Budget(clock=world.clock), require=["latency"])
    return build_report(result, facts=None, command=[], model=None, version="0.0.0", require=["latency"])


def test_report_md_has_the_table_and_the_plot() -> None:
    md = render_markdown(report_with(SWEEP))
    assert "## Latency under load" in md
    rows = [ln for ln in md.splitlines() if ln.startswith("| 4 |")]
    assert rows == ["| 4 | 12 | 1 | 0.400 | 1.100 | 0.050 | 0.090 | 3.500 | 5.800 | 70.0 | misses |"]
    assert "Target p95 3 s: concurrency 2 meets it." in md
    assert "![latency under load](latency.svg)" in md


def test_a_target_no_level_meets_is_an_unmet_requirement() -> None:
    missed = SWEEP.model_copy(update={"best": None})
    report = report_with(missed)
    assert report.exit_code == 1
    assert report.candidates[0].unmet == ["latency (no concurrency level has p95 within 3 s)"]
    assert report_with(SWEEP).exit_code == 0
