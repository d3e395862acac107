"""Progress on stderr, for `try` and `bringup` alike: the runtime's events (phases,
pull layers, the wait for readiness) and the search's (each step, its outcome).

On a terminal, pulls show a live bar per layer (bytes, rate) and the wait
shows a spinner with the elapsed time and the last log line; elsewhere
(pipes, CI) there is no live display, only plain lines, a few per phase.
Inside a bring-up step, the runtime's lines sit indented under the step's.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from jetllm.core.events import (
    BringupPlanned,
    CandidateIncompatible,
    CandidateLeftOut,
    Event,
    LayerProgress,
    LocalModel,
    Note,
    Phase,
    SearchEvent,
    StepStarted,
    StepWorked,
    Waiting,
)
from jetllm.core.redact import clip
from jetllm.core.spec import describe
from jetllm.render.console import err, indented
from jetllm.report.rows import plural

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

PLAIN_WAIT_EVERY_S = 5.0
STEP_INDENT = 2  # the runtime's lines under a bring-up step


class ProgressView:
    """A progress callback for run_attempt and run_search; use as a context manager."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or err()
        self.live = self.console.is_terminal
        self._bars: Any = None
        self._tasks: dict[str, Any] = {}
        self._status: Any = None
        self._last_plain = (0.0, "")
        self._indent = 0

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._end_live()

    def _end_live(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
            self._tasks = {}
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __call__(self, event: Event | SearchEvent) -> None:
        if isinstance(event, Phase):
            self._end_live()
            self.console.print(_labelled(f"{event.name}:", event.message, indent=self._indent))
        elif isinstance(event, Note):
            self.console.print(indented([event.message], self._indent + 2))
        elif isinstance(event, LayerProgress):
            self._layer(event)
        elif isinstance(event, Waiting):
            self._waiting(event)
        else:
            self._end_live()
            self._indent = STEP_INDENT if isinstance(event, StepStarted) else 0
            self.console.print(search_line(event), markup=False, highlight=False)

    def _layer(self, event: LayerProgress) -> None:
        if not self.live:
            if event.status in ("Pull complete", "Already exists"):
                self.console.print(indented([f"{event.layer}: {event.status}"], self._indent + 2))
            return
        if self._bars is None:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

            pad = " " * (self._indent + 2)
            self._bars = Progress(TextColumn(pad + "{task.description}", markup=False), BarColumn(),
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

        line = clip(event.last_line or "", 160)
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
            self.console.print(indented([text], self._indent + 2))


def search_line(event: SearchEvent) -> str:
    """One line for an event of the bring-up and its search."""
    if isinstance(event, CandidateLeftOut):
        return f"left out {event.candidate}: {event.cause or '-'}"
    if isinstance(event, BringupPlanned):
        also = f", {event.left_out} left out" if event.left_out else ""
        return f"jetllm bringup: {plural(event.candidates, 'candidate')} to try{also}, run {event.run_id}"
    if isinstance(event, LocalModel):
        return f"model {event.path}: {event.summary}"
    if isinstance(event, CandidateIncompatible):
        return f"{event.candidate}: incompatible, not pulled: {'; '.join(event.reasons)}"
    if isinstance(event, StepStarted):
        return f"{event.candidate}: starting with {describe(event.settings)}"
    if isinstance(event, StepWorked):
        return f"{event.candidate}: works with {describe(event.settings)}"
    return f"{event.candidate}: {event.failure_class.value} (retry smaller: {event.retry.value})"  # StepFailed


def _labelled(label: str, text: str, *, indent: int) -> RenderableType:
    """One grid row: a bold label, then plain text that wraps under itself."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    row = Table.grid(padding=(0, 1))
    row.add_column(style="bold", no_wrap=True)
    row.add_column(overflow="fold")
    row.add_row(label, Text(text))
    return Padding(row, (0, 0, 0, indent)) if indent else row
