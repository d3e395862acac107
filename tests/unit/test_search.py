"""The search steers by diagnosis and bisects: scripted attempts, fake clock."""

from __future__ import annotations

import math

import pytest

from jetllm.core.diagnosis import FailureClass, RetrySmaller
from jetllm.core.events import CandidateIncompatible, StepFailed, StepStarted, StepWorked
from jetllm.core.spec import Settings
from jetllm.search import (
    Budget,
    Knob,
    Ladder,
    PreflightVerdict,
    StopReason,
    Verdict,
    bisection_bound,
    run_search,
    search_candidate,
)
from jetllm.search.ladder import expand
from tests.unit.search_fakes import FakeWorld, candidate, diagnosis, vllm_ladder

A = FailureClass.CUDA_ALLOCATOR_ASSERT


def fits_below(limit: float) -> object:
    return lambda s: None if (s.gpu_util or 0) <= limit + 1e-9 else A


def compatible(_c: object) -> PreflightVerdict:
    return PreflightVerdict(compatible=True)


@pytest.mark.parametrize("limit", [0.9, 0.85, 0.55, 0.5, 0.35, 0.3])
def test_bisection_finds_largest_working_fraction_within_bound(limit: float) -> None:
    world = FakeWorld(rules={"vllm": fits_below(limit)})
    ladder = vllm_ladder()
    result = search_candidate(candidate("vllm", ladder), world, Budget(clock=world.clock))
    assert result.verdict is Verdict.WORKS
    assert result.best_attempt is not None
    assert result.best_attempt.settings.gpu_util == pytest.approx(limit)
    assert result.best_attempt.settings.max_len == 4096
    # 13 values 0.90..0.30 at 0.05: at most 1 + ceil(log2(13)) = 5 starts.
    assert len(world.calls) <= bisection_bound(13) == 5
    assert len(world.calls) <= 1 + math.ceil(math.log2((0.9 - 0.3) / 0.05)) + 1


def test_no_retry_class_ends_candidate_after_one_start() -> None:
    world = FakeWorld(rules={"vllm": lambda s: FailureClass.LIBRARY_MISMATCH})
    result = search_candidate(candidate("vllm", vllm_ladder()), world, Budget(clock=world.clock))
    assert len(world.calls) == 1
    assert result.verdict is Verdict.FAILED and result.stop is StopReason.NO_RETRY
    assert result.diagnosis is not None
    assert result.diagnosis.failure_class is FailureClass.LIBRARY_MISMATCH


def test_sometimes_class_gets_one_further_step() -> None:
    world = FakeWorld(rules={"vllm": lambda s: FailureClass.STARTUP_TIMEOUT})
    result = search_candidate(candidate("vllm", vllm_ladder()), world, Budget(clock=world.clock))
    assert len(world.calls) == 2
    assert result.stop is StopReason.SOMETIMES_SPENT


def test_exhausted_knob_moves_on_to_the_next() -> None:
    # Works only at gpu_util 0.3 (last) and max_len <= 1024.
    rule = lambda s: None if s.gpu_util <= 0.3 and s.max_len <= 1024 else A  # noqa: E731
    world = FakeWorld(rules={"vllm": rule})
    ladder = vllm_ladder()
    result = search_candidate(candidate("vllm", ladder), world, Budget(clock=world.clock))
    assert result.verdict is Verdict.WORKS
    assert result.best_attempt is not None
    assert (result.best_attempt.settings.gpu_util, result.best_attempt.settings.max_len) == (0.3, 1024)
    assert len(world.calls) <= ladder.bound() == 1 + 4 + 2


def test_host_oom_bisects_the_context_first() -> None:
    ladder = Ladder(knobs=[
        Knob(name="concurrency", values=[4, 2, 1]),
        Knob(name="max_len", values=expand([8192, 256]), continuous=True),
    ])
    rule = lambda s: None if s.max_len <= 2560 else FailureClass.HOST_OOM_KILLED  # noqa: E731
    world = FakeWorld(rules={"llama.cpp": rule})
    result = search_candidate(candidate("llama.cpp", ladder), world, Budget(clock=world.clock))
    assert result.best_attempt is not None
    assert result.best_attempt.settings.max_len == 2560
    assert result.best_attempt.settings.concurrency == 4
    assert len(world.calls) <= bisection_bound(len(ladder.knobs[1].values))


def test_whole_search_ranks_and_skips_incompatible() -> None:
    world = FakeWorld(
        rules={"vllm": fits_below(0.55), "ollama": lambda s: None, "bad": lambda s: FailureClass.LIBRARY_MISMATCH},
        speed={"vllm": 30.0, "ollama": 20.0},
    )
    nv = candidate("nvidia-vllm", vllm_ladder())
    checks = {
        "nvidia-vllm": PreflightVerdict(compatible=False, reasons=["needs driver 580.82"],
                             diagnosis=diagnosis(FailureClass.DRIVER_TOO_OLD)),
    }
    cands = [nv.model_copy(update={"backend": "vllm"}), candidate("vllm", vllm_ladder()),
             candidate("bad"), candidate("ollama")]
    result = run_search(
        cands, preflight=lambda c: checks.get(c.name, PreflightVerdict(compatible=None, reasons=["unknown"])),
        attempt=world, budget=Budget(clock=world.clock),
    )
    verdicts = [r.verdict for r in result.results]
    assert verdicts == [Verdict.INCOMPATIBLE, Verdict.WORKS, Verdict.FAILED, Verdict.WORKS]
    assert world.starts("nvidia-vllm") == 0 and world.starts("bad") == 1
    assert result.winner is not None and result.winner.candidate.name == "vllm"
    assert [r.rank for r in result.results] == [None, 1, None, 2]


def test_first_stops_after_a_working_candidate() -> None:
    world = FakeWorld(rules={"a": lambda s: None, "b": lambda s: None})
    result = run_search([candidate("a"), candidate("b")], preflight=compatible, attempt=world,
                        budget=Budget(clock=world.clock), first=True)
    assert [r.verdict for r in result.results] == [Verdict.WORKS, Verdict.NOT_TRIED]
    assert result.results[1].stop is StopReason.FIRST


def test_budget_runs_out_and_lists_what_was_not_tried() -> None:
    world = FakeWorld(rules={"vllm": fits_below(0.3), "ollama": lambda s: None}, cost_s=100.0)
    budget = Budget(total_s=250.0, attempt_s=600.0, clock=world.clock)
    result = run_search([candidate("vllm", vllm_ladder()), candidate("ollama")],
                        preflight=compatible, attempt=world, budget=budget)
    assert len(world.calls) == 3
    assert result.budget_spent
    vllm, ollama = result.results
    assert vllm.stop is StopReason.BUDGET and vllm.untried
    assert ollama.verdict is Verdict.NOT_TRIED and ollama.untried
    # No attempt is given more time than the run has left.
    assert world.timeouts[0] == 250.0 and world.timeouts[2] == 50.0


def test_interrupt_returns_partial_result() -> None:
    world = FakeWorld(rules={"vllm": fits_below(0.5), "ollama": lambda s: None}, interrupt_at=2)
    result = run_search([candidate("vllm", vllm_ladder()), candidate("ollama")],
                        preflight=compatible, attempt=world, budget=Budget(clock=world.clock))
    assert result.interrupted
    assert [r.verdict for r in result.results] == [Verdict.INTERRUPTED, Verdict.NOT_TRIED]
    assert result.results[1].stop is StopReason.INTERRUPTED
    assert len(result.results[0].attempts) == 2


def test_capped_knob_starts_at_the_users_value() -> None:
    knob = Knob(name="gpu_util", values=expand([0.9, 0.3]), continuous=True).capped(0.62)
    assert knob.values[:3] == [0.62, 0.6, 0.55]


def test_expand_keeps_both_ends() -> None:
    assert expand([0.9, 0.3])[0] == 0.9 and expand([0.9, 0.3])[-1] == 0.3
    assert len(expand([0.9, 0.3])) == 13
    assert expand([8192, 1000])[-1] == 1000
    assert expand([4096, 2048, 1024]) == list(range(4096, 1023, -256))
    assert Settings().gpu_util is None


def test_progress_is_typed_events_one_per_start_and_outcome() -> None:
    """What a progress view or a machine reader gets: each image preflight rules out,
    each start with its settings, and each outcome with its class and retry rule."""
    world = FakeWorld(rules={"vllm": fits_below(0.5)})
    events: list[object] = []
    ngc = candidate("ngc", vllm_ladder())
    checks = {"ngc": PreflightVerdict(compatible=False, reasons=["needs driver 580.82", "CUDA 13.0"])}
    run_search([ngc, candidate("vllm", vllm_ladder())], attempt=world, budget=Budget(clock=world.clock),
               preflight=lambda c: checks.get(c.name, PreflightVerdict(compatible=True)), progress=events.append)
    assert events[0] == CandidateIncompatible("ngc", ("needs driver 580.82", "CUDA 13.0"))
    expected: list[object] = []
    for name, settings in world.calls:  # each start, then what came of it
        works = (settings.gpu_util or 0) <= 0.5
        expected += [StepStarted(name, settings), StepWorked(name, settings) if works
                     else StepFailed(name, settings, A, RetrySmaller.YES)]
    assert events[1:] == expected
    assert expected[-1] == StepWorked("vllm", world.calls[-1][1]) and world.calls[-1][1].gpu_util == 0.5
