"""bringup --concurrency-sweep: the winner started once more (its settings as they worked)
and swept; with --target-p95 the next candidate in turn where it misses the target
(jetllm/search/sweep.py). The last one started is kept for --soak (one start for both),
else removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jetllm.core.attempt import Attempt
    from jetllm.core.load import LoadPlan, LoadSweep
    from jetllm.search.candidates import CandidateResult, SearchResult
    from jetllm.search.stages import Stages


def start_again(stages: Stages, winner: CandidateResult, phase: str, why: str,
                load: LoadPlan | None = None) -> Attempt:
    """The candidate's best settings started once more, its container kept (remove() ends it)."""
    from jetllm.core.events import Phase
    from jetllm.runtime import run_attempt

    assert winner.best_attempt is not None
    progress = stages.progress or (lambda event: None)
    progress(Phase(phase, f"starting {winner.candidate.name} again for {why}"))
    spec = stages.spec(winner.candidate, winner.best_attempt.settings)
    return run_attempt(spec, facts=stages.facts, pull_policy="missing", keep=True, run_id=stages.run_id,
                       progress=stages.progress, preflight=stages.answer(spec.image), load=load)


def remove(stages: Stages, attempt: Attempt) -> None:
    from jetllm.core.events import Note
    from jetllm.dockerenv import connect

    if not attempt.container_name:
        return
    progress = stages.progress or (lambda event: None)
    try:
        connect().containers.get(attempt.container_name).remove(force=True)
        progress(Note(f"container {attempt.container_name} removed"))
    except Exception as exc:  # noqa: BLE001 (said, and `jetllm gc --run` finds it by its labels)
        progress(Note(f"could not remove container {attempt.container_name}: {exc}; "
                      f"`jetllm gc --run {stages.run_id}` removes it"))


def sweep_winner(stages: Stages, result: SearchResult, plan: LoadPlan,
                 keep: bool) -> tuple[SearchResult, Attempt | None]:
    """The result with the sweep on its winner (and those swept before it); with `keep`,
    the winner's started container when the last one swept is the winner."""
    from jetllm.core.attempt import AttemptOutcome
    from jetllm.search.sweep import sweep_winners

    started: dict[str, Attempt] = {}

    def sweep_of(candidate: CandidateResult) -> LoadSweep | None:
        attempt = start_again(stages, candidate, "load", "the concurrency sweep", load=plan)
        if attempt.outcome is not AttemptOutcome.READY or attempt.load is None:
            return None
        started[candidate.candidate.name] = attempt
        return attempt.load

    kept = None
    try:
        swept = sweep_winners(result, sweep_of, target=plan.target_p95_s is not None)
        winner = swept.winner
        if keep and winner is not None:
            kept = started.pop(winner.candidate.name, None)
        return swept, kept
    finally:
        for attempt in started.values():
            if attempt is not kept:
                remove(stages, attempt)
