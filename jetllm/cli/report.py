"""`jetllm report [DIR]`: render a saved bring-up report again."""

from __future__ import annotations

from pathlib import Path

import typer

from jetllm.core.outcome import Outcome


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        directory: Path = typer.Argument(Path("jetllm-report"), help="A `jetllm bringup --out` folder."),
        json_output: bool = typer.Option(False, "--json", help="Print report.json on stdout."),
        markdown: bool = typer.Option(False, "--md", help="Print report.md on stdout."),
    ) -> Outcome:
        """Show a saved bring-up report (terminal table, --json or --md). Exit as the bring-up did."""
        from jetllm.core.errors import UsageError
        from jetllm.render.bringup import render_table
        from jetllm.render.console import out
        from jetllm.report import load_report, report_errors
        from jetllm.report.markdown import render_markdown

        if json_output and markdown:
            raise UsageError("--json and --md each print the whole report: pass one of them")
        saved = load_report(directory)
        if json_output:
            return Outcome(saved.exit_code, saved.to_json(), report_errors(saved))
        if markdown:
            out().file.write(render_markdown(saved))
        else:
            render_table(saved, out(), written_to=None)
        return Outcome(saved.exit_code)
