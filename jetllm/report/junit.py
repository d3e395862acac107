"""JUnit XML for CI on hardware runners: one testcase per candidate; a failure's
message is its class and fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jetllm.report.model import Report
from jetllm.report.rows import rows


def render_junit(report: Report) -> str:
    table = rows(report)
    failures = sum(1 for r in table if r.verdict in ("failed", "incompatible"))
    skipped = sum(1 for r in table if r.verdict in ("not tried", "interrupted"))
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", {
        "name": "jetllm bringup", "tests": str(len(table)), "failures": str(failures),
        "errors": "0", "skipped": str(skipped), "time": f"{report.elapsed_s:.1f}",
        "timestamp": report.created_at,
    })
    times = {c.candidate.name: sum(a.timings.total_s or 0.0 for a in c.attempts)
             for c in report.candidates}
    for r in table:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"jetllm.bringup.{r.backend}", "name": f"{r.name} ({r.image})",
            "time": f"{times.get(r.name, 0.0):.1f}",
        })
        if r.verdict in ("failed", "incompatible"):
            klass = r.failure_class or r.verdict
            failure = ET.SubElement(case, "failure", {
                "message": f"{klass}: {r.fix or r.cause}", "type": klass})
            failure.text = f"{r.cause}\nfix: {r.fix}\nlast settings: {r.settings}\nstarts: {r.starts}"
        elif r.verdict in ("not tried", "interrupted"):
            ET.SubElement(case, "skipped", {"message": f"{r.verdict}: {r.cause}"})
        out = ET.SubElement(case, "system-out")
        out.text = (f"verdict: {r.verdict}\nbest settings: {r.settings}\ntokens/s: {r.tokens_per_s}\n"
                    f"TTFT: {r.ttft}\nstarts: {r.starts}" + (f"\nnot tried: {r.untried}" if r.untried else ""))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
