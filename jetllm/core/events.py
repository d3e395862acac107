"""Progress events: plain data the runtime reports while it works.

The runtime never prints; whoever calls run_attempt passes a callback that
receives these (jetllm/render/attempt.py renders them with Rich on stderr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phase:
    """A new stage began: checking, pulling, starting, waiting, smoke, stopping."""

    name: str
    message: str


@dataclass(frozen=True, slots=True)
class LayerProgress:
    """One layer of an image pull (bytes so far and in all; None when unknown)."""

    layer: str
    status: str  # "Downloading", "Extracting", "Pull complete", ...
    current: int | None
    total: int | None


@dataclass(frozen=True, slots=True)
class Waiting:
    """Still waiting for readiness: elapsed seconds and the last log line."""

    elapsed_s: float
    last_line: str | None
    state: str  # "starting" | "loading" (the health endpoint says it is alive)


@dataclass(frozen=True, slots=True)
class Note:
    """Something worth a line on stderr (a port moved, a pull skipped)."""

    message: str


Event = Phase | LayerProgress | Waiting | Note
ProgressCallback = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """The callback used when the caller wants no progress."""
