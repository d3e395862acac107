"""The doctor command's body: gather (or load) facts, judge them, render, return the exit code."""

from __future__ import annotations

from pathlib import Path

from jetllm.exitcodes import ExitCode


def main(*, json_output: bool, facts_file: Path | None) -> ExitCode:
    from jetllm.doctor import exit_code, run_checks
    from jetllm.facts import host_facts

    facts = host_facts(facts_file)
    checks = run_checks(facts)
    if json_output:
        from jetllm.console import print_json

        print_json({"facts": facts.model_dump(mode="json"), "checks": [c.model_dump(mode="json") for c in checks]})
    else:
        from jetllm.console import out
        from jetllm.doctor.render import render

        render(out(), facts, checks)
    return exit_code(checks)
