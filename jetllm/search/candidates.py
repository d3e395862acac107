"""Candidates (backend x image x model, each with its ladder) and what the
search learns about each: plain records, written into report.json."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import Field

from jetllm.core.attempt import Attempt
from jetllm.core.diagnosis import Diagnosis
from jetllm.core.ladder import Ladder
from jetllm.core.record import Record
from jetllm.core.spec import ContainerSpec, Settings
from jetllm.modelinfo.estimate import Memory


class Candidate(Record):
    """One backend image to bring up, in preference order."""

    name: str  # unique in a run: the backend, or backend@image when one backend has several
    backend: str
    image: str  # "" for a candidate left out before an image was chosen
    ladder: Ladder = Field(default_factory=Ladder)
    base: Settings = Field(default_factory=Settings)  # model and knobs the ladder leaves alone
    profile: str | None = None  # the profile name or file it came from
    # Another image of this backend, tried only when no earlier one of it works.
    alternative_of: str | None = None
    # Context values above the ladder's first that the prediction's margins leave possible (ascending):
    # once the first step works, the search climbs into them.
    room: list[int] = Field(default_factory=list)
    # What this host can give a start (usable of total memory), where known: bounds a raised fraction.
    memory: Memory | None = None


class PreflightVerdict(Record):
    """What preflight said of a candidate's image before any pull."""

    compatible: bool | None  # None: could not tell; the search tries anyway
    reasons: list[str] = Field(default_factory=list)
    diagnosis: Diagnosis | None = None  # when incompatible: class, cause, fix


class Verdict(str, Enum):
    WORKS = "works"
    FAILED = "failed"
    INCOMPATIBLE = "incompatible"  # preflight: never pulled, never started
    NOT_TRIED = "not_tried"  # the budget ran out, --first was met, or Ctrl-C came first
    LEFT_OUT = "left_out"  # it cannot run here as asked (no GPU, model format, no image): never tried
    INTERRUPTED = "interrupted"


class StopReason(str, Enum):
    FOUND = "found"  # the largest working setting is known
    NO_RETRY = "no_retry"  # the diagnosis says a smaller setting cannot help
    SOMETIMES_SPENT = "sometimes_spent"  # the further steps allowed a 'sometimes' class are spent
    LADDER_EXHAUSTED = "ladder_exhausted"  # the least ambitious step failed too
    BUDGET = "budget"
    FIRST = "first"  # --first: another candidate already works
    INTERRUPTED = "interrupted"
    PREFLIGHT = "preflight"
    COVERED = "covered"  # an earlier image of the same backend works
    LEFT_OUT = "left_out"  # ruled out before the search: the diagnosis says why


class CandidateResult(Record):
    candidate: Candidate
    verdict: Verdict
    stop: StopReason
    check: PreflightVerdict | None = None
    attempts: list[Attempt] = Field(default_factory=list)
    best: int | None = None  # index in attempts of the working attempt with the largest settings
    diagnosis: Diagnosis | None = None  # the failure that decided a failed verdict
    untried: list[str] = Field(default_factory=list)  # settings never reached, in words
    spec: ContainerSpec | None = None  # what the best attempt ran (compose is written from it)
    rank: int | None = None  # 1 = the winner
    unmet: list[str] = Field(default_factory=list)  # --require: what it works without, with why

    @property
    def best_attempt(self) -> Attempt | None:
        return self.attempts[self.best] if self.best is not None else None

    @property
    def starts(self) -> int:
        return sum(1 for attempt in self.attempts if attempt.container_started)


class SearchResult(Record):
    results: list[CandidateResult]
    elapsed_s: float
    budget_s: float | None = None
    budget_spent: bool = False
    interrupted: bool = False
    first: bool = False

    @property
    def winner(self) -> CandidateResult | None:
        return next((result for result in self.results if result.rank == 1), None)

    def summary(self) -> dict[str, Any]:
        return {
            "candidates": len(self.results),
            "working": sum(1 for r in self.results if r.verdict is Verdict.WORKS),
            "starts": sum(r.starts for r in self.results),
        }
