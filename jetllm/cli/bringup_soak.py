"""bringup --soak 10m: the winner started once more (its settings as they worked), soaked,
then removed; what came of it goes into the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jetllm.core.attempt import Attempt
    from jetllm.core.soak import SoakResult
    from jetllm.search.candidates import CandidateResult
    from jetllm.search.stages import Stages


def soak_winner(stages: Stages, winner: CandidateResult, seconds: float,
                started: Attempt | None = None) -> SoakResult:
    """`started`: the winner's container the concurrency sweep started and kept (no second start)."""
    from jetllm.cli.bringup_sweep import remove, start_again
    from jetllm.core.attempt import AttemptOutcome
    from jetllm.core.events import Note
    from jetllm.core.soak import SoakResult
    from jetllm.dockerenv import connect
    from jetllm.runtime.soak import run_soak

    assert winner.best_attempt is not None
    progress = stages.progress or (lambda event: None)
    spec = stages.spec(winner.candidate, winner.best_attempt.settings)
    sweep = winner.best_attempt.load
    concurrency = (sweep.best if sweep is not None and sweep.best else 1)
    attempt = started or start_again(stages, winner, "soak", f"a {seconds:g} s soak")
    if attempt.outcome is not AttemptOutcome.READY or not attempt.container_name or not attempt.base_url:
        d = attempt.diagnosis
        return SoakResult(base_url=attempt.base_url or "-", model=spec.served_model or "-", planned_s=seconds,
                          duration_s=0.0, concurrency=concurrency, requests=0, errors=0,
                          verdict=d.failure_class.value if d else "unknown", diagnosis=d,
                          ended_early="the winner did not start again")
    client = connect()
    progress(Note(f"soak: {attempt.base_url} for {seconds:g} s at concurrency {concurrency} "
                  "(Ctrl-C ends it with the figures so far)"))
    try:
        result = run_soak(attempt.base_url, spec.served_model or "default", duration_s=seconds,
                          concurrency=concurrency, container=attempt.container_name, client=client,
                          say=lambda line: progress(Note(f"soak: {line}")), jetson=stages.facts.jetson.is_jetson)
        return result.model_copy(update={"power_mode": stages.facts.jetson.power_mode})
    finally:
        remove(stages, attempt)
