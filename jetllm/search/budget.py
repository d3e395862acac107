"""Time budgets: one for the whole run (--budget), one per attempt (--attempt-timeout)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jetllm.core.limits import MAX_WAIT_S

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([hms]?)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "": 1.0}


def parse_duration(text: str) -> float:
    """Seconds in `30m`, `90s`, `1h30m`, `45` (seconds); ValueError otherwise."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or not re.fullmatch(r"(\d+(\.\d+)?[hms]?)+", cleaned):
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 90s, 1h30m)")
    seconds = sum(float(n) * _UNIT[unit] for n, unit in _PART.findall(cleaned))
    if seconds <= 0:
        raise ValueError(f"a duration must be more than 0: {text!r}")
    if not seconds <= MAX_WAIT_S:  # also inf, from a number too long for a float
        raise ValueError(f"a duration must be at most {MAX_WAIT_S / 86400:g} days: {text!r}")
    return seconds


@dataclass
class Budget:
    """Seconds left for the run, read from an injectable clock (tests pass a fake one)."""

    total_s: float | None = None
    attempt_s: float | None = None
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float | None:
        return None if self.total_s is None else self.total_s - self.elapsed()

    def spent(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def attempt_timeout(self) -> float | None:
        """Seconds the next attempt may take: the per-attempt limit, never past the run's."""
        limits = [x for x in (self.attempt_s, self.remaining()) if x is not None]
        return max(min(limits), 1.0) if limits else None
