"""The smoke suite's checks in report.md and JUnit: one row and one testcase per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jetllm.core.attempt import CheckStatus, SmokeCheck
from jetllm.report import build_report
from jetllm.report.junit import render_junit
from jetllm.report.markdown import render_markdown
from jetllm.report.model import Report
from jetllm.search import Budget, PreflightVerdict, run_search
from tests.unit.search_fakes import FakeWorld, candidate

CHECKS = [
    SmokeCheck(name="chat", status=CheckStatus.PASS, detail="7 tokens, finish_reason stop", ms=120.0),
    SmokeCheck(name="tool-call", status=CheckStatus.FAIL, detail="no tool call in the answer", ms=300.0),
    SmokeCheck(name="structured-output", status=CheckStatus.SKIP, detail="the server refused it: HTTP 400",
               ms=5.0),
    SmokeCheck(name="sanity", status=CheckStatus.WARN, detail="asked 2 + 3, it answered 'spoon'", ms=80.0),
]


def report_with_checks() -> Report:
    world = FakeWorld(rules={"llama": lambda s: None}, checks={"llama": CHECKS})
    result = run_search([candidate("llama")], preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=world, budget=Budget(clock=world.clock))
    return build_report(result, facts=None, command=[], model=None, version="0.0.0")


def test_report_md_has_a_row_per_check() -> None:
    md = render_markdown(report_with_checks())
    assert "## Smoke checks" in md
    rows = [line for line in md.splitlines() if line.startswith("| llama |")]
    assert [row.split(" | ")[1:3] for row in rows] == [
        ["chat", "pass"], ["tool-call", "fail"], ["structured-output", "skip"], ["sanity", "warn"]]
    assert "it answered 'spoon'" in md


def test_junit_has_a_testcase_per_check() -> None:
    root = ET.fromstring(render_junit(report_with_checks()))
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "jetllm smoke llama")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == ["chat", "tool-call", "structured-output", "sanity"]
    assert cases["tool-call"].find("failure") is not None
    assert cases["structured-output"].find("skipped") is not None
    assert cases["sanity"].find("failure") is None  # a warning passes, said in its output
    assert "warn: asked 2 + 3" in (cases["sanity"].findtext("system-out") or "")


def test_report_md_names_the_flags_that_made_tool_calls_work() -> None:
    from jetllm.core.spec import ContainerSpec

    passing = [c.model_copy(update={"status": CheckStatus.PASS}) for c in CHECKS]
    world = FakeWorld(rules={"llama": lambda s: None}, checks={"llama": passing})
    result = run_search([candidate("llama")], preflight=lambda c: PreflightVerdict(compatible=True),
                        attempt=world, budget=Budget(clock=world.clock),
                        spec_of=lambda c, s: ContainerSpec(backend="llama", image=c.image, container_port=8080,
                                                           command=("--jinja",), tool_call_args=("--jinja",)))
    md = render_markdown(build_report(result, facts=None, command=[], model=None, version="0.0.0"))
    assert "Tool calls work with the server flags `--jinja`" in md
