"""`jetllm doctor`: what this machine is, and what stands between it and an LLM server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jetllm.core.outcome import ErrorItem, Outcome


def main(*, json_output: bool, facts_file: Path | None) -> Outcome:
    from jetllm.doctor import Status, exit_code, run_checks
    from jetllm.facts import host_facts

    facts = host_facts(facts_file)
    checks = run_checks(facts)
    code = exit_code(checks)
    if not json_output:
        from jetllm.render.doctor import render

        render(facts, checks)
        return Outcome(code)
    failed = tuple(ErrorItem(c.id, c.message, c.fix) for c in checks if c.status is Status.FAIL)
    data = {"facts": facts.model_dump(mode="json"), "checks": [c.model_dump(mode="json") for c in checks]}
    return Outcome(code, data, failed)


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor(
        json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document: facts and checks.")] = False,
        facts_file: Annotated[Path | None, typer.Option(
            "--facts", metavar="FILE", help="Judge facts saved by `jetllm doctor --json` instead of this machine.",
        )] = None,
    ) -> Outcome:
        """Check this machine: NVIDIA driver, Docker and its NVIDIA runtime, disk, memory."""

        return main(json_output=json_output, facts_file=facts_file)
