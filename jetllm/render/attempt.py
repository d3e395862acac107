"""`jetllm try`'s result on stdout: the Attempt's short summary (its progress is
jetllm/render/progress.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.attempt import Attempt, AttemptOutcome
from jetllm.core.load import LoadSweep
from jetllm.core.redact import clip
from jetllm.render.console import indented, out

if TYPE_CHECKING:
    from rich.console import Console


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def load_lines(sweep: LoadSweep) -> list[str]:
    """The concurrency sweep in lines: a header, one per level, the verdict on the target."""
    lines = ["conc  TTFT ms     ITL ms   total s    tok/s err", "      p50/p95   p50/p95  p50/p95"]
    for lv in sweep.levels:
        total = "-" if lv.total_p50 is None or lv.total_p95 is None else f"{lv.total_p50:.2f}/{lv.total_p95:.2f}"
        mark = "" if lv.meets_target is None else ("  meets target" if lv.meets_target else "  misses target")
        lines.append(f"{lv.concurrency:>4}  {_ms(lv.ttft_p50) + '/' + _ms(lv.ttft_p95):<9} "
                     f"{_ms(lv.itl_p50) + '/' + _ms(lv.itl_p95):<8} {total:<10} "
                     f"{lv.tokens_per_s or 0:>6.1f} {lv.errors:>3}{mark}")
    if sweep.target_p95_s is not None:
        best = f"concurrency {sweep.best}" if sweep.best else "no level"
        lines.append(f"target p95 {sweep.target_p95_s:g} s: {best} meets it")
    if sweep.stopped:
        lines.append(f"stopped: {sweep.stopped}")
    return lines


def render_attempt(attempt: Attempt, run_id: str | None = None, console: Console | None = None) -> None:
    """The short summary: outcome, timings, smoke figures or the diagnosis."""
    from rich.table import Table
    from rich.text import Text

    console = console or out()
    colour = {"ready": "green", "failed": "red", "skipped": "yellow"}[attempt.outcome.value]
    dumped = attempt.settings.model_dump()
    extra = dumped.pop("extra", None) or {}
    settings = {k: v for k, v in {**dumped, **extra}.items() if v is not None}
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row(Text(attempt.outcome.value, style=colour), f"{attempt.backend}  {attempt.image}")
    table.add_row("settings", ", ".join(f"{k}={v}" for k, v in settings.items()) or "-")
    t = attempt.timings
    served = attempt.exit_state is not None and attempt.exit_state.ready
    ready = f"start to ready {_seconds(t.start_to_ready_s)}, " if served else ""
    model_pull = f"model pull {_seconds(t.model_pull_s)}, " if t.model_pull_s is not None else ""
    table.add_row("timings", f"pull {_seconds(t.pull_s)}, {ready}"
                             f"{model_pull}smoke {_seconds(t.smoke_s)}, total {_seconds(t.total_s)}")
    if attempt.smoke is not None:
        s = attempt.smoke
        rate = f"{s.tokens_per_s:.1f} tokens/s ({s.tokens_source})" if s.tokens_per_s else "-"
        table.add_row("smoke", f"first token {_seconds(s.ttft_s)}, {rate}, {s.completion_tokens} tokens")
        table.add_row("reply", repr(clip(s.text or "", 200)))
    colours = {"pass": "green", "fail": "red", "warn": "yellow", "skip": "dim"}
    for check in attempt.checks:
        status = Text(f"{check.status.value:<4}", style=colours[check.status.value])
        table.add_row(check.name, Text.assemble(status, f"  {check.detail}"))
    if attempt.load is not None:
        for line in load_lines(attempt.load):
            table.add_row("load", line)
    if attempt.exit_state is not None and not attempt.exit_state.ready:
        e = attempt.exit_state
        table.add_row("exit", "timed out" if e.timed_out else f"code {e.exit_code}"
                      + (", OOM-killed" if e.oom_killed else ""))
    if attempt.diagnosis is not None:
        # In the grid, so that long causes and fixes wrap under their own column.
        from jetllm.render.diagnosis import cause_rows

        for row in cause_rows(attempt.diagnosis):
            table.add_row(*row)
    if attempt.container_name and attempt.base_url:
        stop = f"jetllm gc --run {run_id}" if run_id else f"docker rm -f {attempt.container_name}"
        table.add_row("kept", f"{attempt.base_url}  container {attempt.container_name} (--keep)")
        table.add_row("try it", f"curl {attempt.base_url}/models")
        table.add_row("stop it", f"{stop}  (or docker rm -f {attempt.container_name})")
    console.print(table, markup=False, highlight=False)
    if attempt.outcome is AttemptOutcome.FAILED and attempt.log_tail and attempt.diagnosis and not attempt.diagnosis.evidence:
        console.print("log tail:", markup=False)
        console.print(indented(attempt.log_tail[-10:]))
