"""`jetllm doctor`: what this machine is, and what stands between it and an LLM server."""

from __future__ import annotations

from pathlib import Path

import typer

from jetllm.envelope import Outcome


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor(
        json_output: bool = typer.Option(False, "--json", help="Print one JSON document: facts and checks."),
        facts_file: Path | None = typer.Option(
            None, "--facts", metavar="FILE", help="Judge facts saved by `jetllm doctor --json` instead of this machine."
        ),
    ) -> Outcome:
        """Check this machine: NVIDIA driver, Docker and its NVIDIA runtime, disk, memory."""
        from jetllm.doctor.run import main

        return main(json_output=json_output, facts_file=facts_file)
