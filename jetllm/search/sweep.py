"""--concurrency-sweep in bringup: after the ranking, on the winner only (a sweep costs a
start and minutes). With --target-p95 a winner that misses the target has the latency
requirement unmet, ranks lower, and the next winner is swept in turn: at most MAX_SWEPT.

    result = sweep_winners(result, sweep_of, target=True)

`sweep_of(candidate_result)` starts the candidate once more and sweeps it; None when it
could not (it did not start again): the sweeping ends there.
"""

from __future__ import annotations

from collections.abc import Callable

from jetllm.core.load import LoadSweep
from jetllm.search.candidates import CandidateResult, SearchResult, Verdict
from jetllm.search.loop import rank
from jetllm.search.requirements import LATENCY, unmet

MAX_SWEPT = 3
NOT_SWEPT = f"{LATENCY} (not measured: the sweep runs on the winner, at most {MAX_SWEPT} candidates)"

SweepFn = Callable[[CandidateResult], "LoadSweep | None"]


def with_sweep(result: CandidateResult, sweep: LoadSweep) -> CandidateResult:
    assert result.best is not None
    attempts = list(result.attempts)
    attempts[result.best] = attempts[result.best].model_copy(update={"load": sweep})
    return result.model_copy(update={"attempts": attempts})


def sweep_winners(result: SearchResult, sweep_of: SweepFn, *, target: bool,
                  limit: int = MAX_SWEPT) -> SearchResult:
    results = list(result.results)
    for _ in range(limit):
        winner = next((r for r in results if r.rank == 1), None)
        best = winner.best_attempt if winner is not None else None
        if winner is None or best is None or best.load is not None:
            break
        at = results.index(winner)
        found = sweep_of(winner)
        if found is None:
            break
        swept = with_sweep(results[at], found)
        if target:
            swept = swept.model_copy(update={"unmet": [*swept.unmet, *unmet(swept, [LATENCY])]})
        results[at] = swept
        if not target:
            break
        results = rank(results)
    if target:  # a working candidate never swept has not shown that it meets the target
        results = rank([r.model_copy(update={"unmet": [*r.unmet, NOT_SWEPT]})
                        if r.verdict is Verdict.WORKS and r.best_attempt is not None
                        and r.best_attempt.load is None else r for r in results])
    return result.model_copy(update={"results": results})
