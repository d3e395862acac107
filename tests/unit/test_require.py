"""--require: a candidate that serves but misses a requirement ranks below those that
meet it, with the reason; exit 0 only when the winner meets every requirement."""

from __future__ import annotations

import pytest

from jetllm.core.attempt import CheckStatus, SmokeCheck
from jetllm.core.errors import UsageError
from jetllm.report import build_report
from jetllm.report.markdown import render_markdown
from jetllm.report.model import Report
from jetllm.report.rows import errors
from jetllm.search import Budget, PreflightVerdict, run_search
from jetllm.search.requirements import parse_requirements
from tests.unit.search_fakes import FakeWorld, candidate


def suite(tools: CheckStatus, sanity: CheckStatus = CheckStatus.PASS) -> list[SmokeCheck]:
    def check(name: str, status: CheckStatus) -> SmokeCheck:
        return SmokeCheck(name=name, status=status, detail=f"{name} said {status.value}")

    return [check("chat-stream", CheckStatus.WARN), check("chat", CheckStatus.PASS),
            check("tool-call", tools), check("tool-call-stream", tools),
            check("tool-round-trip", tools if tools is CheckStatus.PASS else CheckStatus.SKIP),
            check("sanity", sanity)]


def bringup(require: list[str], *, first: bool = False, slow_tools: CheckStatus = CheckStatus.PASS
            ) -> tuple[Report, FakeWorld]:
    # "fast" serves faster but cannot call tools; "slow" can (unless told otherwise).
    world = FakeWorld(rules={"fast": lambda s: None, "slow": lambda s: None},
                      speed={"fast": 50.0, "slow": 20.0},
                      checks={"fast": suite(CheckStatus.FAIL), "slow": suite(slow_tools, CheckStatus.WARN)})
    result = run_search([candidate("fast"), candidate("slow")],
                        preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=world, budget=Budget(clock=world.clock), first=first, require=require)
    return build_report(result, facts=None, command=[], model=None, version="0.0.0", require=require), world


def test_without_requirements_the_fastest_wins() -> None:
    report, _ = bringup([])
    assert report.winner == "fast" and report.exit_code == 0


def test_a_candidate_missing_a_requirement_ranks_below_one_that_meets_it() -> None:
    report, _ = bringup(["tool-calls", "streaming"])
    assert report.winner == "slow" and report.exit_code == 0
    fast = report.result("fast")
    assert fast is not None and fast.rank == 2
    assert fast.unmet == ["tool-calls (tool-call fail: tool-call said fail)"]
    md = render_markdown(report)
    assert "- required (--require): tool-calls, streaming" in md
    assert "misses --require tool-calls (tool-call fail" in md


def test_exit_1_when_the_winner_misses_a_requirement() -> None:
    report, _ = bringup(["tool-calls"], slow_tools=CheckStatus.FAIL)
    assert report.winner == "fast" and report.exit_code == 1  # still the best there is, and said
    assert [e.error_class for e in errors(report)][0] == "requirement_unmet"
    assert "it misses --require tool-calls" in render_markdown(report)


def test_a_sanity_warning_does_not_meet_sanity() -> None:
    report, _ = bringup(["sanity"])
    slow = report.result("slow")
    assert report.winner == "fast" and slow is not None and slow.unmet and slow.unmet[0].startswith("sanity")


def test_first_keeps_searching_past_a_candidate_that_misses_a_requirement() -> None:
    report, world = bringup(["tool-calls"], first=True)
    assert world.starts("slow") == 1 and report.winner == "slow"


def test_an_unknown_requirement_names_the_flag_and_the_known_ones() -> None:
    with pytest.raises(UsageError, match="--require: unknown requirement 'tools'; known: streaming, chat"):
        parse_requirements("streaming,tools")
    assert parse_requirements(" tool-calls, streaming,tool-calls") == ["tool-calls", "streaming"]
