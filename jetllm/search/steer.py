"""One candidate's search: the diagnosis steers, continuous knobs are bisected.

Start at the most ambitious step (every knob at its first value). On a
failure, the diagnosis's retry_smaller decides:

* `no`: the candidate ends at once (one start for driver_too_old,
  library_mismatch, ...).
* `yes`: pick the knob the failure class points at (memory classes: the
  memory fraction; KV-cache and host-OOM: the context) and bisect its values
  for the most ambitious one that works, the others held. If even its last
  value fails, it stays there and the next knob is bisected.
* `sometimes` (startup_timeout, unknown): as `yes`, but only
  `Policy.sometimes_steps` further starts are allowed after such a failure.

Before bisecting a knob, the failed start's own figures are read (search/figured.py):
where the backend said what fits (vLLM's largest context for its KV cache, the memory
free at start), the next start goes straight to the largest value at or below it, and
bisection goes on below that value only if it fails. A knob whose profile lists the
failure's class in `up_on` (or leaves it out of a non-empty `down_on`) is not stepped
down after it (SGLang's static fraction on a KV pool too small).

Where the first step works and the prediction left room (candidate.room: context steps only
the estimate's margin ruled out), up to Policy.room_steps more starts bisect upward into it.
After a failure whose class the memory fraction's `up_on` lists (vLLM's KV cache too small),
one start raises the fraction to what the figures ask, where free memory covers it.

Bisection assumes a knob is monotone (a value that works means every smaller
one works). Per knob of n values it needs at most ceil(log2(n)) starts after
the first; a candidate needs at most `Ladder.bound()` = 1 + sum over knobs of
ceil(log2(n_k)) starts, and one more per knob where a figure's step failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from jetllm.core.attempt import Attempt, AttemptOutcome
from jetllm.core.diagnosis import Diagnosis, FailureClass, RetrySmaller
from jetllm.core.events import SearchProgress, StepFailed, StepStarted, StepWorked, ignore
from jetllm.core.ladder import Knob, Value
from jetllm.core.spec import Settings
from jetllm.search.budget import Budget
from jetllm.search.candidates import Candidate, CandidateResult, StopReason, Verdict
from jetllm.search.figured import figure_index, raised_fraction
from jetllm.search.ladder import describe

AttemptFn = Callable[[Candidate, Settings, "float | None"], Attempt]
Step = Literal["ok", "fail", "stop"]

_MEMORY = ("gpu_util", "max_len", "concurrency", "gpu_layers")
_CONTEXT = ("max_len", "concurrency", "gpu_util", "gpu_layers")
# Which knob a failure class says to shrink first; other classes: ladder order.
KNOB_PREFERENCE: dict[FailureClass, tuple[str, ...]] = {
    FailureClass.CUDA_ALLOCATOR_ASSERT: _MEMORY,
    FailureClass.GPU_OOM: _MEMORY,
    FailureClass.KV_CACHE_INSUFFICIENT: _CONTEXT,
    FailureClass.HOST_OOM_KILLED: _CONTEXT,
}


@dataclass(frozen=True)
class Policy:
    sometimes_steps: int = 1  # further starts allowed after a 'sometimes' failure
    room_steps: int = 2  # starts spent climbing into a prediction's margin once its start works


@dataclass
class _Walk:
    candidate: Candidate
    attempt_fn: AttemptFn
    budget: Budget
    policy: Policy
    progress: SearchProgress
    attempts: list[Attempt] = field(default_factory=list)
    indices: dict[str, int] = field(default_factory=dict)
    sometimes_left: int = 0
    stop: StopReason | None = None
    untried: list[str] = field(default_factory=list)
    last_failure: Diagnosis | None = None
    raised: bool = False  # the one raise_step a candidate gets was taken

    def step(self, indices: dict[str, int], update: dict[str, Value] | None = None) -> Step:
        settings = self.candidate.ladder.settings(indices, self.candidate.base)
        return self.run(settings.model_copy(update=update) if update else settings)

    def run(self, settings: Settings) -> Step:
        if self.budget.spent():
            self.stop = StopReason.BUDGET
            return "stop"
        self.progress(StepStarted(self.candidate.name, settings))
        try:
            attempt = self.attempt_fn(self.candidate, settings, self.budget.attempt_timeout())
        except KeyboardInterrupt:
            self.stop = StopReason.INTERRUPTED
            return "stop"
        self.attempts.append(attempt)
        if attempt.outcome is AttemptOutcome.READY:
            self.progress(StepWorked(self.candidate.name, settings))
            return "ok"
        diagnosis = attempt.diagnosis
        self.last_failure = diagnosis
        retry = diagnosis.retry_smaller if diagnosis else RetrySmaller.SOMETIMES
        failure = diagnosis.failure_class if diagnosis else FailureClass.UNKNOWN
        self.progress(StepFailed(self.candidate.name, settings, failure, retry))
        if retry is RetrySmaller.NO:
            self.stop = StopReason.NO_RETRY
            return "stop"
        if retry is not RetrySmaller.YES:
            if self.sometimes_left <= 0:
                self.stop = StopReason.SOMETIMES_SPENT
                return "stop"
            self.sometimes_left -= 1
        return "fail"

    def figure_step(self, knob: Knob, lowest: int) -> int | None:
        """The index the last failed start's own figures point at (search/figured.py)."""
        last = self.attempts[-1] if self.attempts else None
        if last is None or last.outcome is AttemptOutcome.READY:
            return None
        figures = last.measured
        return figure_index(knob, lowest, last.settings, figures)

    def raise_step(self) -> Step | None:
        """After a failure whose class a knob is raised on (its profile's up_on): one start with the
        memory fraction the failed start's figures ask for, where free memory covers it (figured.py)."""
        last, memory = self.attempts[-1] if self.attempts else None, self.candidate.memory
        knob = self.candidate.ladder.knob("gpu_util")
        cls = self.last_failure.failure_class.value if self.last_failure else None
        if last is None or memory is None or knob is None or cls not in knob.up_on or self.raised:
            return None
        figures = last.measured
        target = raised_fraction(last.settings, figures, memory.total_bytes, memory.usable_bytes)
        if target is None:
            return None
        self.raised = True
        return self.run(last.settings.model_copy(update={"gpu_util": target}))

    def pick(self, exhausted: set[str]) -> Knob | None:
        knobs = [
            k for k in self.candidate.ladder.knobs
            if k.name not in exhausted and self.indices.get(k.name, 0) < len(k.values) - 1
        ]
        cls = self.last_failure.failure_class if self.last_failure else None
        knobs = [k for k in knobs if k.steps_down_on(cls.value if cls else None)]
        preference = KNOB_PREFERENCE.get(cls, ()) if cls else ()
        knobs.sort(key=lambda k: preference.index(k.name) if k.name in preference else len(preference))
        return knobs[0] if knobs else None


def search_candidate(
    candidate: Candidate,
    attempt_fn: AttemptFn,
    budget: Budget,
    *,
    policy: Policy = Policy(),
    progress: SearchProgress = ignore,
) -> CandidateResult:
    """Bring up one candidate: the most ambitious settings that work, or why none does."""
    walk = _Walk(candidate, attempt_fn, budget, policy, progress, sometimes_left=policy.sometimes_steps)
    best: int | None = None
    first = walk.step({})
    exhausted: set[str] = set()
    if first == "ok":
        best = _climb(walk)
        kept = walk.stop in (StopReason.BUDGET, StopReason.INTERRUPTED)
        walk.stop = walk.stop if kept else StopReason.FOUND
    elif first == "fail" and candidate.room:
        best = _below(walk)
        if best is not None:
            walk.stop = StopReason.FOUND
    while walk.stop is None:
        raised = walk.raise_step()
        if raised == "ok":
            best, walk.stop = len(walk.attempts) - 1, StopReason.FOUND
            break
        if walk.stop is not None:
            break
        knob = walk.pick(exhausted)
        if knob is None:
            walk.stop = StopReason.LADDER_EXHAUSTED
            break
        lo, hi, found = walk.indices.get(knob.name, 0), len(knob.values), None
        jump = walk.figure_step(knob, lo)
        if jump is not None:  # the backend said what fits: go there, bisect only if it fails
            result = walk.step({**walk.indices, knob.name: jump})
            if result == "ok":
                lo, hi, found = jump - 1, jump, len(walk.attempts) - 1
            elif result == "fail":
                lo = jump
        while hi - lo > 1 and walk.stop is None:
            mid = (lo + hi) // 2
            result = walk.step({**walk.indices, knob.name: mid})
            if result == "ok":
                hi, found = mid, len(walk.attempts) - 1
            elif result == "fail":
                lo = mid
            else:
                break
        if walk.stop is not None:
            if walk.stop in (StopReason.BUDGET, StopReason.INTERRUPTED) and hi - lo > 1:
                walk.untried.append(f"{knob.name} {knob.values[lo + 1]} .. {knob.values[hi - 1]}")
            best = found if found is not None else best
            break
        if found is not None:
            walk.indices[knob.name] = hi
            best, walk.stop = found, StopReason.FOUND
            break
        walk.indices[knob.name] = len(knob.values) - 1
        exhausted.add(knob.name)
    if walk.stop is StopReason.BUDGET and not walk.attempts:
        walk.untried.append(describe(candidate.ladder.settings({}, candidate.base)) + " and below")
    return _result(walk, best)


def _climb(walk: _Walk) -> int:
    """After the first step works: bisect upward through the candidate's room (context values the
    prediction's margins left out; past its top nothing fits), within Policy.room_steps starts.
    Returns the index of the working attempt with the largest context."""
    room, best = walk.candidate.room, 0
    lo, hi, left = -1, len(room), walk.policy.room_steps
    while hi - lo > 1 and left > 0:
        mid, left = (lo + hi) // 2, left - 1
        result = walk.step({}, {"max_len": room[mid]})
        if result == "ok":
            lo, best = mid, len(walk.attempts) - 1
        elif result == "fail" or walk.stop not in (StopReason.BUDGET, StopReason.INTERRUPTED):
            hi, walk.stop = mid, None  # a step above one that works failed: any cause means too much
        else:
            break
    return best


def _below(walk: _Walk) -> int | None:
    """The predicted start failed for memory: the machine held more than the estimate saw (a model
    file's pages charged to the container on a cold cache, other processes). Step the context down
    by the width of the prediction's margin, then once halfway back up, rather than bisecting the
    whole ladder. None (and the bisection goes on as usual) where that step fails too."""
    cls = walk.last_failure.failure_class if walk.last_failure else None
    knob = walk.candidate.ladder.knob("max_len")
    if cls is None or cls not in KNOB_PREFERENCE or knob is None or not knob.steps_down_on(cls.value):
        return None
    lo = walk.indices.get(knob.name, 0)
    jump = min(lo + len(walk.candidate.room), len(knob.values) - 1)
    if jump <= lo or walk.step({**walk.indices, knob.name: jump}) != "ok":
        return None
    best, mid = len(walk.attempts) - 1, (lo + jump) // 2
    walk.indices[knob.name] = jump
    if lo < mid < jump and walk.step({**walk.indices, knob.name: mid}) == "ok":
        best = len(walk.attempts) - 1
        walk.indices[knob.name] = mid
    if walk.stop not in (StopReason.BUDGET, StopReason.INTERRUPTED):
        walk.stop = None
    return best


def _result(walk: _Walk, best: int | None) -> CandidateResult:
    stop = walk.stop or StopReason.LADDER_EXHAUSTED
    if best is not None:
        verdict = Verdict.WORKS
    elif stop is StopReason.INTERRUPTED:
        verdict = Verdict.INTERRUPTED
    elif stop is StopReason.BUDGET and not walk.attempts:
        verdict = Verdict.NOT_TRIED
    else:
        verdict = Verdict.FAILED
    return CandidateResult(
        candidate=walk.candidate,
        verdict=verdict,
        stop=stop,
        attempts=walk.attempts,
        best=best,
        diagnosis=None if best is not None else walk.last_failure,
        untried=walk.untried,
    )
