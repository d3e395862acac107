"""`jetllm soak`'s lines: progress on stderr (a line a minute), the figures on stdout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.soak import SoakResult
from jetllm.render.console import err, out

if TYPE_CHECKING:
    from rich.console import Console


def say(line: str) -> None:
    err().print(f"soak: {line}", markup=False, highlight=False)


class SoakBar:
    """A progress bar on a terminal (stderr), else nothing: the line a minute is the log."""

    def __init__(self, duration_s: float, console: Console | None = None) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = console or err()
        self.progress = Progress(TextColumn("soak"), BarColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.fields[figures]}"), console=self.console, transient=True)
        self.task = self.progress.add_task("soak", total=duration_s, figures="")
        self.live = self.console.is_terminal

    def __enter__(self) -> SoakBar:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.live:
            self.progress.stop()

    def __call__(self, elapsed_s: float, requests: int, errors: int) -> None:
        if self.live:
            self.progress.update(self.task, completed=elapsed_s, figures=f"{requests} requests, {errors} errors")


def _mib(value: int | None) -> str:
    return "-" if value is None else f"{value / (1 << 20):.0f} MiB"


def render_soak(result: SoakResult, textfile: str | None) -> None:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    verdict = result.verdict + (" (interrupted: the figures so far)" if result.interrupted else "")
    table.add_row("verdict", verdict)
    table.add_row("server", f"{result.base_url}  model {result.model}"
                  + (f"  container {result.container}" if result.container else ""))
    table.add_row("ran", f"{result.duration_s:.0f} s of {result.planned_s:.0f} s at concurrency {result.concurrency}"
                  + (f" ({result.ended_early})" if result.ended_early else ""))
    table.add_row("requests", f"{result.requests}, {result.errors} failed"
                  + (f" (first: {result.first_error})" if result.first_error else ""))

    def s(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f} s"

    drift = "-" if result.latency_drift is None else f"{result.latency_drift * 100:+.1f} %"
    table.add_row("latency", f"p50 first tenth {s(result.latency_first_p50_s)}, last tenth "
                  f"{s(result.latency_last_p50_s)} (drift {drift}); p95 {s(result.latency_p95_s)}")
    memory = [m for m in (x.container_memory_bytes for x in result.samples) if m is not None]
    if memory:
        table.add_row("memory", f"container {_mib(memory[0])} at start, {_mib(memory[-1])} at end, "
                      f"peak {_mib(max(memory))}; restarts {result.restarts}")
    available = [m for m in (x.mem_available_bytes for x in result.samples) if m is not None]
    nvmap = [m for m in (x.nvmap_used_bytes for x in result.samples) if m is not None]
    if available:
        table.add_row("host", f"MemAvailable {_mib(available[0])} at start, {_mib(available[-1])} at end, "
                      f"lowest {_mib(min(available))}"
                      + (f"; NvMap {_mib(nvmap[0])} at start, peak {_mib(max(nvmap))}" if nvmap else ""))
    if result.power_mode:
        table.add_row("power mode", result.power_mode)
    for note in result.notes:
        table.add_row("note", note)
    if result.diagnosis is not None:
        from jetllm.render.diagnosis import cause_rows

        for row in cause_rows(result.diagnosis):
            table.add_row(*row)
    if textfile:
        table.add_row("textfile", textfile)
    out().print(table, markup=False, highlight=False)
