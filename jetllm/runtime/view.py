"""Rendering for the terminal (the CLI's edge): progress on stderr, the Attempt on stdout.

On a terminal, pulls show a live bar per layer (bytes, rate) and the wait
shows a spinner with the elapsed time and the last log line; elsewhere
(pipes, CI) there is no live display, only plain lines, a few per phase.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from jetllm.console import indented
from jetllm.runtime.events import Event, LayerProgress, Note, Phase, Waiting
from jetllm.runtime.result import Attempt, Outcome

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

PLAIN_WAIT_EVERY_S = 5.0


class ProgressView:
    """A progress callback for run_attempt; use as a context manager."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self._bars: Any = None
        self._tasks: dict[str, Any] = {}
        self._status: Any = None
        self._last_plain = (0.0, "")

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._end_live()

    def _end_live(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, Phase):
            self._end_live()
            self.console.print(_labelled(f"{event.name}:", event.message, padding=1))
        elif isinstance(event, Note):
            self.console.print(indented([event.message]))
        elif isinstance(event, LayerProgress):
            self._layer(event)
        elif isinstance(event, Waiting):
            self._waiting(event)

    def _layer(self, event: LayerProgress) -> None:
        if not self.live:
            if event.status in ("Pull complete", "Already exists"):
                self.console.print(indented([f"{event.layer}: {event.status}"]))
            return
        if self._bars is None:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

            self._bars = Progress(TextColumn("  {task.description}", markup=False), BarColumn(),
                                  DownloadColumn(), TransferSpeedColumn(), console=self.console)
            self._bars.start()
        task = self._tasks.get(event.layer)
        if task is None:
            task = self._tasks[event.layer] = self._bars.add_task(event.layer, total=None)
        described = f"{event.layer} {event.status}"
        if event.total:
            self._bars.update(task, description=described, completed=event.current or 0,
                              total=event.total)
        elif event.status in ("Pull complete", "Already exists"):
            total = self._bars.tasks[task].total or 1
            self._bars.update(task, description=described, completed=total, total=total)
        else:
            self._bars.update(task, description=described)

    def _waiting(self, event: Waiting) -> None:
        from rich.text import Text

        line = (event.last_line or "")[:160]
        if not line and not self.live:
            return
        text = f"{event.state} {event.elapsed_s:5.1f}s  {line}"
        if self.live:
            if self._status is None:
                self._status = self.console.status(Text(text))
                self._status.start()
            self._status.update(Text(text))
            return
        last_time, last_key = self._last_plain
        now, key = time.monotonic(), f"{event.state} {line}"
        if key != last_key and now - last_time >= 1.0 or now - last_time >= PLAIN_WAIT_EVERY_S:
            self._last_plain = (now, key)
            self.console.print(indented([text]))


def _labelled(label: str, text: str, padding: int = 2) -> Table:
    """One grid row: a bold label, then plain text that wraps under itself."""
    from rich.table import Table
    from rich.text import Text

    row = Table.grid(padding=(0, padding))
    row.add_column(style="bold", no_wrap=True)
    row.add_column(overflow="fold")
    row.add_row(label, Text(text))
    return row


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def render_attempt(console: Console, attempt: Attempt, run_id: str | None = None) -> None:
    """The short summary: outcome, timings, smoke figures or the diagnosis."""
    from rich.table import Table
    from rich.text import Text

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
        table.add_row("reply", repr((s.text or "")[:200]))
    if attempt.exit_state is not None and not attempt.exit_state.ready:
        e = attempt.exit_state
        table.add_row("exit", "timed out" if e.timed_out else f"code {e.exit_code}"
                      + (", OOM-killed" if e.oom_killed else ""))
    if attempt.diagnosis is not None:
        # In the grid, so that long causes and fixes wrap under their own column.
        d = attempt.diagnosis
        table.add_row("cause", f"{d.failure_class.value}: {d.cause}")
        for evidence in d.evidence[:3]:
            table.add_row(f"log {evidence.line}", evidence.text)
        table.add_row("fix", d.fix)
    if attempt.container_name and attempt.base_url:
        stop = f"jetllm gc --run {run_id}" if run_id else f"docker rm -f {attempt.container_name}"
        table.add_row("kept", f"{attempt.base_url}  container {attempt.container_name} (--keep)")
        table.add_row("try it", f"curl {attempt.base_url}/models")
        table.add_row("stop it", f"{stop}  (or docker rm -f {attempt.container_name})")
    console.print(table, markup=False, highlight=False)
    if attempt.outcome is Outcome.FAILED and attempt.log_tail and attempt.diagnosis and not attempt.diagnosis.evidence:
        console.print("log tail:", markup=False)
        console.print(indented(attempt.log_tail[-10:]))
