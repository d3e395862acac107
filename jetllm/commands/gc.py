"""`jetllm gc`: remove the containers a killed run left behind."""

from __future__ import annotations

from typing import Optional

import typer

from jetllm.envelope import Outcome
from jetllm.exitcodes import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("gc", help="Remove containers jetllm started and a killed run left (label jetllm.managed=1).")
    def gc(
        run: Optional[str] = typer.Option(None, "--run", help="Only the containers of this run id."),  # noqa: UP007
        json: bool = typer.Option(False, "--json", help="Print what was removed as JSON."),
    ) -> Outcome:
        from jetllm.console import out
        from jetllm.dockerenv import connect
        from jetllm.runtime.gc import collect

        removed = collect(connect(), run)
        if json:
            return Outcome(ExitCode.OK, {"removed": [item.to_json() for item in removed]})
        if not removed:
            out().print("nothing to remove", markup=False)
        for item in removed:
            out().print(f"removed {item.name} ({item.backend}, run {item.run}, {item.status})", markup=False)
        return Outcome(ExitCode.OK)
