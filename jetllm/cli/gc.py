"""`jetllm gc`: remove the containers a killed run left behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import Outcome

if TYPE_CHECKING:
    from jetllm.runtime.gc import Found

HELP = """Remove the containers a killed jetllm run left (label jetllm.managed=1, their
jetllm process gone). A live run's container, a kept one (--keep) and one whose
owner cannot be checked from here are left, saying why. With JETLLM_LABELS set,
only containers carrying those labels are considered (but --run takes its run's)."""


def register(app: typer.Typer) -> None:
    @app.command("gc", help=HELP)
    def gc(
        run: str | None = typer.Option(None, "--run", help="Remove this run's containers, whatever their state."),
        everything: bool = typer.Option(False, "--all", help="Remove every jetllm container, kept and running ones too."),
        json: bool = typer.Option(False, "--json", help="Print what was removed and left as JSON."),
    ) -> Outcome:
        from jetllm.cli.options import check_labels
        from jetllm.dockerenv import connect
        from jetllm.render.console import out
        from jetllm.runtime.gc import collect

        check_labels()
        done = collect(connect(), run, everything=everything)
        if json:
            return Outcome(ExitCode.OK, {"removed": [item.to_json() for item in done.removed],
                                         "left": [item.to_json() for item in done.left]})
        console = out()
        if not done.removed:
            console.print("nothing to remove", markup=False)
        for item in done.removed:
            console.print(f"removed {item.name} ({item.backend}, run {item.run}, {item.status}; {item.reason})",
                          markup=False)
        for item in done.left:
            console.print(f"left {item.name} ({item.reason}; {_how_to_remove(item)})", markup=False)
        return Outcome(ExitCode.OK)


def _how_to_remove(item: Found) -> str:
    from jetllm.core.owner import State

    if item.state is State.RUNNING:
        return "that run removes it when it ends"
    return f"remove with jetllm gc --run {item.run}" if item.run else f"remove with docker rm -f {item.name}"
