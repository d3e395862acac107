"""A Diagnosis in the terminal (`jetllm classify`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.core.diagnosis import Diagnosis

_STYLE = {"none": "green", "unknown": "yellow"}


def render(diagnosis: Diagnosis, console: Console | None = None) -> None:
    """Label / value rows in a borderless grid, so wrapped text stays indented."""
    console = console or out()
    name = diagnosis.failure_class.value
    style = _STYLE.get(name, "bold red")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("class", Text(name, style=style))
    grid.add_row("cause", diagnosis.cause)
    if diagnosis.evidence:
        lines = Table.grid(padding=(0, 2))
        lines.add_column(style="dim", justify="right", no_wrap=True)
        lines.add_column(style="yellow", overflow="fold")
        for item in diagnosis.evidence:
            lines.add_row(str(item.line), item.text)
        grid.add_row("evidence", lines)
    grid.add_row("fix", diagnosis.fix)
    grid.add_row("retry_smaller", diagnosis.retry_smaller.value)
    console.print(grid)


def cause_rows(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """Cause, the first evidence lines and the fix, as rows of a summary grid (try, soak)."""
    rows = [("cause", f"{diagnosis.failure_class.value}: {diagnosis.cause}")]
    rows += [(f"log {evidence.line}", evidence.text) for evidence in diagnosis.evidence[:3]]
    return [*rows, ("fix", diagnosis.fix)]


def note(line: str) -> None:
    """A line about the input (a long log read from its end), on stderr."""
    from jetllm.render.console import err

    err().print(line)
