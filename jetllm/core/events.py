"""Progress events: plain data the runtime and the search report while they work.

Neither prints; whoever calls run_attempt or run_search passes a callback that
receives these (jetllm/render/progress.py words them with Rich on stderr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jetllm.core.diagnosis import FailureClass, RetrySmaller
from jetllm.core.spec import Settings


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


# The bring-up and its search.


@dataclass(frozen=True, slots=True)
class CandidateLeftOut:
    """A candidate that cannot run here as asked, ruled out before the search."""

    candidate: str
    cause: str | None


@dataclass(frozen=True, slots=True)
class BringupPlanned:
    """What the bring-up will search, before its first start."""

    candidates: int
    left_out: int
    run_id: str


@dataclass(frozen=True, slots=True)
class LocalModel:
    """A local model file the bring-up read: its path and what its header says."""

    path: str
    summary: str


@dataclass(frozen=True, slots=True)
class CandidateIncompatible:
    """Preflight ruled the candidate's image out: never pulled, never started."""

    candidate: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepStarted:
    """The search starts the candidate with these settings (the runtime's events follow)."""

    candidate: str
    settings: Settings


@dataclass(frozen=True, slots=True)
class StepWorked:
    candidate: str
    settings: Settings


@dataclass(frozen=True, slots=True)
class StepFailed:
    """A start failed: its class (unknown without a diagnosis), and whether smaller settings may help."""

    candidate: str
    settings: Settings
    failure_class: FailureClass
    retry: RetrySmaller


SearchEvent = CandidateLeftOut | BringupPlanned | LocalModel | CandidateIncompatible | StepStarted | StepWorked | StepFailed
SearchProgress = Callable[[SearchEvent], None]


def ignore(_event: object) -> None:
    """The callback used when the caller wants no progress."""
