"""The doctor command's body: gather (or load) facts, judge them, render, return the outcome."""

from __future__ import annotations

from pathlib import Path

from jetllm.envelope import ErrorItem, Outcome


def main(*, json_output: bool, facts_file: Path | None) -> Outcome:
    from jetllm.doctor import Status, exit_code, run_checks
    from jetllm.facts import host_facts

    facts = host_facts(facts_file)
    checks = run_checks(facts)
    code = exit_code(checks)
    if not json_output:
        from jetllm.console import out
        from jetllm.doctor.render import render

        render(out(), facts, checks)
        return Outcome(code)
    failed = tuple(ErrorItem(c.id, c.message, c.fix) for c in checks if c.status is Status.FAIL)
    data = {"facts": facts.model_dump(mode="json"), "checks": [c.model_dump(mode="json") for c in checks]}
    return Outcome(code, data, failed)
