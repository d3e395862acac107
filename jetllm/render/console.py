"""Where output goes: stdout carries only the result (a table, or the one JSON
document jetllm/render/envelope.py writes); progress, spinners and log excerpts go to stderr.

Rich is imported on first use so that `jetllm --version` stays fast. Rich
honours NO_COLOR and drops live displays when the stream is not a terminal;
there, lines also end at their text (Rich pads table cells with spaces).
Each call makes a console for the streams and environment (COLUMNS, NO_COLOR)
of that moment, so a run in-process (tests) writes where it is captured.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from jetllm.core.plaintext import CONTROL, plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


class _LinesEndAtText:
    """stdout or stderr (looked up on each write) without spaces before a line's end.

    Spaces at the end of one write are held back until the next shows whether a
    newline follows them."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._held = ""

    @property
    def _stream(self) -> TextIO:
        return sys.stderr if self._stderr else sys.stdout

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        *lines, last = (self._held + text).split("\n")
        kept = last.rstrip(" ")
        self._held = last[len(kept):]
        self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines) + kept)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()


def _console(stderr: bool, **options: Any) -> Console:

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():  # live displays redraw over padded lines: leave them be
        return data_console(stderr=stderr, **options)
    return data_console(file=_LinesEndAtText(stderr), **options)


def out() -> Console:
    """The console for results (stdout)."""
    return _console(False, highlight=False, soft_wrap=False)


def err() -> Console:
    """The console for progress, warnings and errors (stderr)."""
    return _console(True, highlight=False)


def indented(lines: Iterable[str], indent: int = 2) -> Table:
    """Plain lines (no markup) behind `indent` spaces, as grid rows: a line that
    wraps keeps the indent."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid()
    grid.add_column(width=indent)
    grid.add_column(overflow="fold")
    for line in lines:
        grid.add_row("", Text(line))
    return grid


def data_console(**options: Any) -> Console:
    """A Rich console for jetllm's output: data as text, never markup, emoji codes or
    terminal controls (core/plaintext.py says why)."""
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment

    class DataConsole(Console):
        # Control characters are zero cells wide to Rich: dropping them from
        # the segments it laid out keeps every column where it was.
        def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                if segment.control is None and CONTROL.search(segment.text):
                    segment = Segment(plain(segment.text), segment.style)
                yield segment

    return DataConsole(**{"markup": False, "emoji": False, "highlight": False, **options})
