"""JUnit XML for CI on hardware runners: one testcase per candidate; a failure's
message is its class and fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jetllm.core.attempt import CheckStatus, SmokeCheck
from jetllm.core.plaintext import plain
from jetllm.report.model import Report
from jetllm.report.rows import rows
from jetllm.search.candidates import Verdict

# A candidate that does not serve here (tried, refused by preflight, or left out) fails;
# one the run did not reach (budget, --first, Ctrl-C) is skipped: nothing is known of it.
FAILING = (Verdict.FAILED, Verdict.INCOMPATIBLE, Verdict.LEFT_OUT)
SKIPPED = (Verdict.NOT_TRIED, Verdict.INTERRUPTED)


def render_junit(report: Report) -> str:
    verdicts = [c.verdict for c in report.candidates]
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", {
        "name": "jetllm bringup", "tests": str(len(verdicts)),
        "failures": str(sum(v in FAILING for v in verdicts)), "errors": "0",
        "skipped": str(sum(v in SKIPPED for v in verdicts)), "time": f"{report.elapsed_s:.1f}",
        "timestamp": report.created_at,
    })
    for result, r in zip(report.candidates, rows(report), strict=True):
        time = sum(a.timings.total_s or 0.0 for a in result.attempts)
        name = f"{r.name} ({r.image})" if result.candidate.image else r.name
        case = ET.SubElement(suite, "testcase", {
            "classname": f"jetllm.bringup.{r.backend}", "name": name, "time": f"{time:.1f}",
        })
        if result.verdict in FAILING:
            klass = r.failure_class or result.verdict.value
            failure = ET.SubElement(case, "failure", {
                "message": f"{klass}: {r.fix or r.cause}", "type": klass})
            failure.text = f"{r.cause}\nfix: {r.fix}\nlast settings: {r.settings}\nstarts: {r.starts}"
        elif result.verdict in SKIPPED:
            ET.SubElement(case, "skipped", {"message": f"{r.verdict}: {r.cause}"})
        out = ET.SubElement(case, "system-out")
        out.text = (f"verdict: {r.verdict}\nbest settings: {r.settings}\ntokens/s: {r.tokens_per_s}\n"
                    f"TTFT: {r.ttft}\nstarts: {r.starts}" + (f"\nnot tried: {r.untried}" if r.untried else "")
                    + (f"\n{r.failure_class}: {r.cause}\nfix: {r.fix}"
                       if result.verdict is Verdict.WORKS and r.failure_class else ""))
    for result in report.candidates:
        if result.best_attempt is not None and result.best_attempt.checks:
            _checks_suite(suites, result.candidate.name, result.best_attempt.checks)
    ET.indent(suites)
    # XML 1.0 has no place for control characters (a log line can hold them).
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + plain(ET.tostring(suites, encoding="unicode")) + "\n"


def _checks_suite(suites: ET.Element, name: str, checks: list[SmokeCheck]) -> None:
    """The smoke suite of a candidate's best attempt: one testcase per check; a warning
    passes with its detail in system-out."""
    suite = ET.SubElement(suites, "testsuite", {
        "name": f"jetllm smoke {name}", "tests": str(len(checks)),
        "failures": str(sum(c.status is CheckStatus.FAIL for c in checks)), "errors": "0",
        "skipped": str(sum(c.status is CheckStatus.SKIP for c in checks)),
        "time": f"{sum(c.ms or 0.0 for c in checks) / 1000:.1f}",
    })
    for check in checks:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"jetllm.smoke.{name}", "name": check.name, "time": f"{(check.ms or 0.0) / 1000:.3f}"})
        if check.status is CheckStatus.FAIL:
            ET.SubElement(case, "failure", {"message": check.detail, "type": check.name}).text = check.detail
        elif check.status is CheckStatus.SKIP:
            ET.SubElement(case, "skipped", {"message": check.detail})
        ET.SubElement(case, "system-out").text = f"{check.status.value}: {check.detail}"
