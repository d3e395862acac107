"""A bounded, redacted, thread-safe tail of a container's log."""

from __future__ import annotations

import re
import threading
from collections import deque

from jetllm.core.limits import LOG_LINE_MAX_CHARS
from jetllm.core.redact import Redactor, clip

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def clean(line: str) -> str:
    """Drop colours and carriage-return progress redraws; keep the last redraw (whole:
    it is redacted before it is cut to LOG_LINE_MAX_CHARS)."""
    line = _ANSI.sub("", line)
    if "\r" in line:
        parts = [p for p in line.split("\r") if p.strip()]
        line = parts[-1] if parts else ""
    return line.rstrip()


class LogTail:
    """The last `limit` lines, redacted on the way in; remembers the ready line."""

    def __init__(self, redactor: Redactor, limit: int = 1000, ready: str | None = None) -> None:
        self._lines: deque[str] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._redact = redactor
        self._ready = re.compile(ready) if ready else None
        self.ready_line: str | None = None
        self.ready_event = threading.Event()

    def add(self, raw: str) -> None:
        line = clip(clean(raw), LOG_LINE_MAX_CHARS, self._redact)
        if not line:
            return
        with self._lock:
            self._lines.append(line)
        if self._ready is not None and not self.ready_event.is_set() and self._ready.search(line):
            self.ready_line = line
            self.ready_event.set()

    def lines(self, last: int | None = None) -> list[str]:
        with self._lock:
            items = list(self._lines)
        return items if last is None else items[-last:]

    def last(self) -> str | None:
        with self._lock:
            return self._lines[-1] if self._lines else None
