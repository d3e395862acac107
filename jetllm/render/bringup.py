"""The terminal view: a Rich table (one row per candidate, the winner
highlighted), then per candidate its image and, for a loser, the cause and fix,
then where the files are. Images live below the table: they are too long for a
column and must be read whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.render.console import err, out
from jetllm.report.model import Report
from jetllm.report.rows import Row, headline, rows

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"works": "green", "failed": "red", "incompatible": "red", "left out": "red",
          "not tried": "yellow", "interrupted": "yellow"}


def _details(r: Row) -> list[tuple[str, str]]:
    """(label, text) lines below the table: the image always, the rest for losers."""
    lines = [(r.name, r.image)]
    if r.cause:
        lines.append(("", f"{r.failure_class}: {r.cause}" if r.failure_class else r.cause))
    if r.evidence:
        lines.append(("", f"log: {r.evidence}"))
    if r.fix:
        lines.append(("", f"fix: {r.fix}"))
    if r.untried:
        lines.append(("", f"not tried: {r.untried}"))
    return lines


def render_result(report: Report, *, written_to: str, table: bool) -> None:
    """After a bring-up: the table on stdout (else, with --json, where the files are,
    on stderr); an interrupted run says its report is partial."""
    if table:
        render_table(report, written_to=written_to)
    else:
        err().print(f"Report written to {written_to}", markup=False, highlight=False)
    if report.interrupted:
        err().print("jetllm: interrupted: the report is partial; no container was left running",
                    markup=False, highlight=False)


def render_table(report: Report, console: Console | None = None, *, written_to: str | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = console or out()
    table = Table(title="jetllm bringup", title_justify="left", box=None, padding=(0, 1), header_style="bold underline",
                  show_edge=False, pad_edge=False)
    table.add_column("backend", overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("best settings", overflow="fold")
    table.add_column("tok/s", justify="right", no_wrap=True)
    table.add_column("TTFT", justify="right", no_wrap=True)
    table.add_column("starts", justify="right", no_wrap=True)
    table.add_column("cause", overflow="fold")
    table_rows = rows(report)
    for r in table_rows:
        who = Text(f"* {r.name}" if r.winner else r.name, style="bold" if r.winner else "")
        cause = r.failure_class or ("-" if r.verdict == "works" else r.verdict)
        table.add_row(
            who, Text(r.verdict, style=_STYLE.get(r.verdict, "")),
            Text(r.settings.replace(" ", "\n")), r.tokens_per_s, r.ttft, str(r.starts), Text(cause),
            style="bold" if r.winner else None,
        )
    console.print(table)
    # A grid keeps wrapped causes and fixes indented under their candidate.
    details = Table.grid(padding=(0, 2))
    details.add_column(no_wrap=True)
    details.add_column(overflow="fold")
    for r in table_rows:
        for label, text in _details(r):
            details.add_row(Text(label, style="bold" if label else ""), Text(text))
    console.print()
    console.print(details)
    console.print()
    console.print(Text(headline(report), style="bold green" if report.winner else "bold red"))
    if written_to:
        console.print(Text(f"Report written to {written_to}"))
