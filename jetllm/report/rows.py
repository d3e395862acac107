"""One row per candidate, in words: what the table, report.md and JUnit show."""

from __future__ import annotations

from dataclasses import dataclass

from jetllm.core.outcome import INTERRUPTED, ErrorItem
from jetllm.core.plaintext import clipped
from jetllm.report.model import Report, verdict_word
from jetllm.search.candidates import CandidateResult, StopReason, Verdict
from jetllm.search.ladder import describe

_WHY_NOT_TRIED = {
    StopReason.BUDGET: "the time budget ran out first",
    StopReason.FIRST: "--first: an earlier candidate works",
    StopReason.INTERRUPTED: "interrupted (Ctrl-C) before its turn",
    StopReason.COVERED: "an earlier image of this backend works",
}


@dataclass(frozen=True)
class Row:
    name: str
    backend: str
    image: str  # as one pulls it; "-" when none was chosen
    verdict: str
    settings: str  # best settings found (works), else the last tried
    tokens_per_s: str
    ttft: str
    starts: int
    failure_class: str  # "" when it works
    cause: str
    evidence: str  # the log line that names the cause, when there is one
    fix: str
    untried: str
    winner: bool
    rank: int | None


def row(result: CandidateResult, winner: str | None) -> Row:
    best = result.best_attempt
    last = result.attempts[-1] if result.attempts else None
    shown = best or last
    smoke = best.smoke if best else None
    diagnosis = result.diagnosis
    cause, fix, klass, evidence = "", "", "", ""
    if diagnosis is not None and result.verdict is not Verdict.WORKS:
        klass, cause, fix = diagnosis.failure_class.value, diagnosis.cause, diagnosis.fix
        evidence = next((e.text.strip() for e in diagnosis.evidence if e.text.strip()), "")
    elif result.verdict is Verdict.WORKS and best is not None and best.on_cpu and best.diagnosis is not None:
        klass, cause, fix = best.diagnosis.failure_class.value, best.diagnosis.cause, best.diagnosis.fix
    elif result.verdict is Verdict.INCOMPATIBLE and result.check is not None:
        cause = "; ".join(result.check.reasons)
    elif result.verdict in (Verdict.NOT_TRIED, Verdict.INTERRUPTED):
        cause = _WHY_NOT_TRIED.get(result.stop, result.stop.value)
    elif result.verdict is Verdict.FAILED:
        klass, cause = "unknown", "no diagnosis recorded"
    if result.verdict is Verdict.WORKS and result.stop is StopReason.BUDGET:
        cause = "works; the budget ran out before larger settings were ruled out"
    if result.unmet:
        misses = "misses --require " + "; ".join(result.unmet)
        cause = f"{cause}; {misses}" if cause else misses
    if result.check is not None and result.check.compatible is None and result.check.reasons:
        note = "preflight could not tell (" + "; ".join(result.check.reasons) + "), tried anyway"
        cause = f"{cause}; {note}" if cause else note
    return Row(
        name=result.candidate.name,
        backend=result.candidate.backend,
        image=shown_image(result.candidate.image),
        verdict=verdict_word(result),
        settings=clipped(describe(shown.settings)) if shown else "-",
        tokens_per_s=_num(smoke.tokens_per_s if smoke else None, "{:.1f}"),
        ttft=_num(smoke.ttft_s if smoke else None, "{:.2f} s"),
        starts=result.starts,
        failure_class=klass,
        cause=clipped(cause),  # joined from many fields: each is bounded, their sum is not
        evidence=evidence,
        fix=fix,
        untried=clipped("; ".join(result.untried)),
        winner=result.candidate.name == winner,
        rank=result.rank,
    )


def rows(report: Report) -> list[Row]:
    return [row(result, report.winner) for result in report.candidates]


def headline(report: Report) -> str:
    winner = report.winning
    if report.interrupted:
        return "Interrupted: the report below is partial."
    if winner is None or winner.best_attempt is None:
        return f"No backend works on this machine ({plural(len(report.candidates), 'candidate')}; causes and fixes above)."
    misses = f"; it misses --require {', '.join(n.split(' ')[0] for n in winner.unmet)}" if winner.unmet else ""
    return (
        f"Winner: {winner.candidate.name} ({winner.candidate.image}) with "
        f"{describe(winner.best_attempt.settings)}{misses}"
    )


def plural(count: int, word: str) -> str:
    """'1 candidate', '2 candidates'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def shown_image(image: str) -> str:
    """The image as one pulls it: registry host kept, Docker Hub's name shortened as docker does."""
    for hub in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if image.startswith(hub):
            image = image.removeprefix(hub).removeprefix("library/")
            break
    return image or "-"


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def errors(report: Report) -> tuple[ErrorItem, ...]:
    """Why a bring-up did not end in 0, one item per candidate that does not work,
    for the --json envelope (a CI step reads .errors[].class)."""
    if report.exit_code == 0:
        return ()
    winner = report.winning
    misses = tuple(ErrorItem("requirement_unmet", f"{winner.candidate.name} works but misses --require {need}",
                             "see its smoke checks in report.md; a profile's tool_calls flags, or another model")
                   for need in winner.unmet) if winner is not None else ()
    soak = report.soak
    if soak is not None and soak.verdict != "stable" and not soak.interrupted:
        d = soak.diagnosis
        misses += (ErrorItem(soak.verdict, f"the soak: {d.cause if d else soak.first_error or soak.verdict}",
                             d.fix if d else None),)
    found = misses + tuple(
        ErrorItem(r.failure_class or result.verdict.value, f"{r.name}: {r.cause}" if r.cause else r.name,
                  r.fix or None)
        for result in report.candidates if result.verdict is not Verdict.WORKS
        for r in (row(result, report.winner),)
    )
    if report.interrupted:
        return (ErrorItem(INTERRUPTED, "interrupted: the report is partial"), *found)
    return found
