"""`jetllm report [DIR]`: render a saved bring-up report again."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from jetllm.core.outcome import Outcome


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        directory: Annotated[Path, typer.Argument(help="A `jetllm bringup --out` folder.")] = Path("jetllm-report"),
        json_output: Annotated[bool, typer.Option("--json", help="Print report.json on stdout.")] = False,
        markdown: Annotated[bool, typer.Option("--md", help="Print report.md on stdout.")] = False,
    ) -> Outcome:
        """Show a saved bring-up report (terminal table, --json or --md). Exit as the bring-up did."""
        from jetllm.core.errors import UsageError
        from jetllm.render.bringup import render_table
        from jetllm.report import load_report, report_errors
        from jetllm.report.markdown import render_markdown

        if json_output and markdown:
            raise UsageError("--json and --md each print the whole report: pass one of them")
        saved = load_report(directory)
        if json_output:
            return Outcome(saved.exit_code, saved.to_json(), report_errors(saved))
        if markdown:
            sys.stdout.write(render_markdown(saved))
        else:
            render_table(saved)
        return Outcome(saved.exit_code)
