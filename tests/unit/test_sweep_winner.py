"""bringup --concurrency-sweep: the sweep runs on the winner after the ranking; with
--target-p95 a winner that misses the target ranks lower and the next is swept in
turn, at most three; a candidate never swept has not shown that it meets the target."""

from __future__ import annotations

from jetllm.core.load import LoadLevel, LoadSweep
from jetllm.report import build_report
from jetllm.search import Budget, PreflightVerdict, run_search
from jetllm.search.candidates import CandidateResult, SearchResult
from jetllm.search.requirements import LATENCY
from jetllm.search.sweep import NOT_SWEPT, sweep_winners
from tests.unit.search_fakes import FakeWorld, candidate

NAMES = ("a", "b", "c", "d")
SPEED = {"a": 50.0, "b": 40.0, "c": 30.0, "d": 20.0}  # a ranks first, then b, c, d


def searched() -> SearchResult:
    world = FakeWorld(rules={n: (lambda s: None) for n in NAMES}, speed=SPEED)
    return run_search([candidate(n) for n in NAMES], preflight=lambda c: PreflightVerdict(compatible=True),
                      attempt=world, budget=Budget(clock=world.clock))


def sweep(p95: float, target: float | None) -> LoadSweep:
    meets = None if target is None else p95 <= target
    level = LoadLevel(concurrency=1, requests=3, total_p50=p95, total_p95=p95, meets_target=meets)
    return LoadSweep(levels=[level], target_p95_s=target, best=1 if meets else None, max_tokens=64, prompt="p")


def run(p95: dict[str, float], target: float | None) -> tuple[SearchResult, list[str]]:
    swept: list[str] = []

    def sweep_of(result: CandidateResult) -> LoadSweep:
        swept.append(result.candidate.name)
        return sweep(p95[result.candidate.name], target)

    return sweep_winners(searched(), sweep_of, target=target is not None), swept


def loads(result: SearchResult) -> dict[str, bool]:
    return {r.candidate.name: r.best_attempt.load is not None for r in result.results if r.best_attempt}


def test_without_a_target_only_the_winner_is_swept() -> None:
    result, swept = run({"a": 9.0}, None)
    assert swept == ["a"] and result.winner is not None and result.winner.candidate.name == "a"
    assert loads(result) == {"a": True, "b": False, "c": False, "d": False}
    assert all(not r.unmet for r in result.results)


def test_a_winner_that_misses_the_target_gives_way_to_the_next_that_meets_it() -> None:
    result, swept = run({"a": 5.0, "b": 2.0}, 3.0)
    assert swept == ["a", "b"]
    ranks = {r.candidate.name: (r.rank, r.unmet) for r in result.results}
    assert ranks["b"] == (1, [])
    assert ranks["a"][0] in (2, 3, 4) and ranks["a"][1] == [f"{LATENCY} (no concurrency level has p95 within 3 s)"]
    assert ranks["c"][1] == [NOT_SWEPT] and ranks["d"][1] == [NOT_SWEPT]
    report = build_report(result, facts=None, command=[], model=None, version="0.0.0", require=[LATENCY])
    assert report.winner == "b" and report.exit_code == 0


def test_at_most_three_are_swept_and_then_the_run_says_none_met_it() -> None:
    result, swept = run({n: 5.0 for n in NAMES}, 3.0)
    assert swept == ["a", "b", "c"]
    assert loads(result) == {"a": True, "b": True, "c": True, "d": False}
    assert next(r for r in result.results if r.candidate.name == "d").unmet == [NOT_SWEPT]
    assert all(r.unmet for r in result.results)
    report = build_report(result, facts=None, command=[], model=None, version="0.0.0", require=[LATENCY])
    assert report.exit_code == 1  # the winner misses the target: said, not hidden
