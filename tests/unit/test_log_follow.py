"""A container's output split into log lines: a line that never ends is held
to the length every log line is cut to, and costs the same per byte however
long it grows (Docker passes a long line on in pieces of 16 KiB, a TTY's
output a byte at a time)."""

from __future__ import annotations

import time

from jetllm.core.redact import Redactor
from jetllm.runtime.follow import _Lines
from jetllm.runtime.logtail import LogTail

BUDGET_S = 5.0  # the whole test takes well under a second


def test_a_line_that_never_ends_is_cut_and_not_rescanned() -> None:
    tail = LogTail(Redactor())
    lines = _Lines(tail.add)
    deadline = time.monotonic() + BUDGET_S
    for n in range(2048):  # 32 MiB
        lines.feed(b"." * 16384)
        assert time.monotonic() < deadline, f"{n} pieces of 16 KiB took over {BUDGET_S} s"
    for n in range(200_000):
        lines.feed(b".")
        assert n % 1000 or time.monotonic() < deadline, f"{n} bytes one by one took over {BUDGET_S} s"
    lines.feed(b"\nnext line\n")
    # Cut to the line limit, with … where it was cut.
    assert tail.lines() == ["." * 1999 + "…", "next line"]


def test_a_progress_bar_keeps_its_last_redraw() -> None:
    tail = LogTail(Redactor())
    lines = _Lines(tail.add)
    for percent in range(0, 101):
        lines.feed(f"\rdownloading {'#' * 200} {percent:3d}%".encode())
    lines.feed(b"\n")
    assert tail.lines() == [f"downloading {'#' * 200} 100%"]


def test_an_unfinished_line_is_kept_at_the_end() -> None:
    tail = LogTail(Redactor())
    lines = _Lines(tail.add)
    lines.feed("ready é".encode()[:-1])
    lines.feed("é".encode()[-1:] + b" and then")
    lines.flush()
    assert tail.lines() == ["ready é and then"]
