"""Where output goes: stdout carries only the result (a table, or the one JSON
document jetllm/envelope.py writes); progress, spinners and log excerpts go to stderr.

Rich is imported on first use so that `jetllm --version` stays fast. Rich
honours NO_COLOR and drops live displays when the stream is not a terminal.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@lru_cache(maxsize=1)
def out() -> Console:
    """The console for results (stdout)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@lru_cache(maxsize=1)
def err() -> Console:
    """The console for progress, warnings and errors (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)

