"""`jetllm gc`: remove the containers a killed run left behind."""

from __future__ import annotations

from typing import Annotated

import typer

from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import Outcome

HELP = """Remove the containers a killed jetllm run left (label jetllm.managed=1, their
jetllm process gone). A live run's container, a kept one (--keep) and one whose
owner cannot be checked from here are left, saying why. With JETLLM_LABELS set,
only containers carrying those labels are considered (but --run takes its run's)."""


def register(app: typer.Typer) -> None:
    @app.command("gc", help=HELP)
    def gc(
        run: Annotated[str | None, typer.Option(
            "--run", help="Remove this run's containers, whatever their state.")] = None,
        everything: Annotated[bool, typer.Option(
            "--all", help="Remove every jetllm container, kept and running ones too.")] = False,
        json: Annotated[bool, typer.Option("--json", help="Print what was removed and left as JSON.")] = False,
    ) -> Outcome:
        from jetllm.cli.options import check_labels
        from jetllm.dockerenv import connect
        from jetllm.render.gc import render
        from jetllm.runtime.gc import collect

        check_labels()
        done = collect(connect(), run, everything=everything)
        if json:
            return Outcome(ExitCode.OK, {"removed": [item.to_json() for item in done.removed],
                                         "left": [item.to_json() for item in done.left]})
        render(done)
        return Outcome(ExitCode.OK)
