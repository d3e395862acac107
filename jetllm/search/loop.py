"""The bring-up loop over candidates: preflight, then each candidate's search,
then a ranking. Plain data in, plain data out: the stages that touch the world
(preflight's registry reads, attempts) are passed in as functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jetllm.core.events import CandidateIncompatible, SearchProgress, ignore
from jetllm.core.spec import ContainerSpec, Settings
from jetllm.search.budget import Budget
from jetllm.search.candidates import (
    Candidate,
    CandidateResult,
    PreflightVerdict,
    SearchResult,
    StopReason,
    Verdict,
)
from jetllm.search.ladder import describe
from jetllm.search.requirements import unmet
from jetllm.search.steer import AttemptFn, Policy, search_candidate

PreflightFn = Callable[[Candidate], PreflightVerdict]
SpecFn = Callable[[Candidate, Settings], ContainerSpec]


def run_search(
    candidates: list[Candidate],
    *,
    preflight: PreflightFn,
    attempt: AttemptFn,
    budget: Budget,
    first: bool = False,
    policy: Policy = Policy(),
    progress: SearchProgress = ignore,
    spec_of: SpecFn | None = None,
    left_out: Sequence[CandidateResult] = (),
    require: Sequence[str] = (),
) -> SearchResult:
    """Search every candidate in order (or until one works, with `first`) and rank them;
    `left_out` (ruled out before the search, with why) follow them in the result. A working
    candidate that misses a `require`d check ranks below those that meet them all."""
    results: list[CandidateResult] = []
    interrupted = False
    for candidate in candidates:
        skip = _skip_reason(results, interrupted, first, budget)
        if skip is None and candidate.alternative_of is not None and any(
            r.verdict is Verdict.WORKS and r.candidate.backend == candidate.alternative_of
            for r in results
        ):
            skip = StopReason.COVERED
        if skip is not None:
            results.append(_not_tried(candidate, skip))
            continue
        try:
            check = preflight(candidate)
        except KeyboardInterrupt:
            interrupted = True
            results.append(_not_tried(candidate, StopReason.INTERRUPTED, Verdict.INTERRUPTED))
            continue
        if check.compatible is False:
            progress(CandidateIncompatible(candidate.name, tuple(check.reasons)))
            results.append(
                CandidateResult(
                    candidate=candidate,
                    verdict=Verdict.INCOMPATIBLE,
                    stop=StopReason.PREFLIGHT,
                    check=check,
                    diagnosis=check.diagnosis,
                )
            )
            continue
        result = search_candidate(candidate, attempt, budget, policy=policy, progress=progress)
        update: dict[str, object] = {"check": check}
        if require and result.verdict is Verdict.WORKS:
            update["unmet"] = unmet(result, require)
        if spec_of is not None and result.best_attempt is not None:
            update["spec"] = without_secrets(spec_of(candidate, result.best_attempt.settings))
        results.append(result.model_copy(update=update))
        interrupted = result.stop is StopReason.INTERRUPTED
    ranked = rank(results)
    return SearchResult(
        results=[*ranked, *left_out],
        elapsed_s=round(budget.elapsed(), 3),
        budget_s=budget.total_s,
        budget_spent=any(r.stop is StopReason.BUDGET for r in ranked),
        interrupted=interrupted,
        first=first,
    )


def without_secrets(spec: ContainerSpec) -> ContainerSpec:
    """The spec as a report may keep it: secret env and flag values become ${NAME} references."""
    from jetllm.core.redact import spec_without_secrets

    return spec_without_secrets(spec)


def rank(results: list[CandidateResult]) -> list[CandidateResult]:
    """Number the working candidates: those that meet every --require first, those on the
    GPU before those that fell back to the CPU (cpu_fallback), then tokens/s (highest first),
    then TTFT (lowest first), then preference order."""

    def key(item: tuple[int, CandidateResult]) -> tuple[bool, bool, float, float, int]:
        position, result = item
        best = result.best_attempt
        smoke = best.smoke if best else None
        tps = smoke.tokens_per_s if smoke and smoke.tokens_per_s is not None else -1.0
        ttft = smoke.ttft_s if smoke and smoke.ttft_s is not None else float("inf")
        return (bool(result.unmet), best is not None and best.on_cpu, -tps, ttft, position)

    working = sorted(
        ((i, r) for i, r in enumerate(results) if r.verdict is Verdict.WORKS), key=key
    )
    ranks = {position: n for n, (position, _) in enumerate(working, start=1)}
    return [r.model_copy(update={"rank": ranks.get(i)}) for i, r in enumerate(results)]


def _skip_reason(
    results: list[CandidateResult], interrupted: bool, first: bool, budget: Budget
) -> StopReason | None:
    if interrupted:
        return StopReason.INTERRUPTED
    if first and any(r.verdict is Verdict.WORKS and not r.unmet for r in results):
        return StopReason.FIRST
    if budget.spent():
        return StopReason.BUDGET
    return None


def _not_tried(
    candidate: Candidate, why: StopReason, verdict: Verdict = Verdict.NOT_TRIED
) -> CandidateResult:
    top = describe(candidate.ladder.settings({}, candidate.base))
    return CandidateResult(
        candidate=candidate, verdict=verdict, stop=why, untried=[f"{top} and below"]
    )
