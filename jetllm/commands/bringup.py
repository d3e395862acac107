"""`jetllm bringup`: the whole pipeline; which backend runs here, with which settings."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from jetllm.envelope import Outcome

HELP = """Find which backend serves MODEL on this machine, with which settings, and how fast.

Candidates in preference order (--backends, else the profiles' order for this
platform); preflight first (an incompatible image is never pulled); per
candidate a ladder of settings, bisected from the most ambitious down, steered
by each failure's diagnosis. Writes a report folder (--out) and optionally JUnit,
also when no backend could be tried (each one left out is a row, with why).
Exit 0 a backend works, 1 none does, 2 bad usage, 130 interrupted (partial report)."""


def register(app: typer.Typer) -> None:
    @app.command("bringup", help=HELP)
    def bringup(  # noqa: PLR0913 (one option per flag)
        model: Optional[str] = typer.Option(None, "--model", help="HF id, GGUF path or Ollama tag."),  # noqa: UP007
        backends: Optional[str] = typer.Option(None, "--backends", help="Comma-separated, in preference order."),  # noqa: UP007
        profile: Optional[List[Path]] = typer.Option(None, "--profile", metavar="FILE", help="A profile YAML file (repeatable)."),  # noqa: UP006,UP007
        image: Optional[str] = typer.Option(None, "--image", help="This image (with a single backend)."),  # noqa: UP007
        gpu_util: Optional[float] = typer.Option(None, "--gpu-util", help="Most memory fraction to try; the search steps down from it."),  # noqa: UP007
        max_len: Optional[int] = typer.Option(None, "--max-len", help="Longest context to try; the search steps down from it."),  # noqa: UP007
        memory: Optional[str] = typer.Option(None, "--memory", help="Container memory ceiling, e.g. 8g."),  # noqa: UP007
        pull: str = typer.Option("missing", "--pull", help="missing, always or never."),
        budget: Optional[str] = typer.Option(None, "--budget", help="Time for the whole run, e.g. 30m."),  # noqa: UP007
        attempt_timeout: Optional[str] = typer.Option(None, "--attempt-timeout", help="Time per attempt, e.g. 10m."),  # noqa: UP007
        first: bool = typer.Option(False, "--first", help="Stop at the first backend that works."),
        out: Path = typer.Option(Path("jetllm-report"), "--out", help="Report folder."),
        junit: Optional[Path] = typer.Option(None, "--junit", help="Write JUnit XML here."),  # noqa: UP007
        json_output: bool = typer.Option(False, "--json", help="Print report.json on stdout."),
        facts: Optional[Path] = typer.Option(None, "--facts", help="Host facts from `jetllm doctor --json`."),  # noqa: UP007
    ) -> Outcome:
        from jetllm.search.pipeline import BringupOptions, run_bringup
        from jetllm.search.stages import Overrides

        names = [b.strip() for b in backends.split(",") if b.strip()] if backends else None
        return run_bringup(BringupOptions(
            Overrides(model, image, gpu_util, max_len, memory, pull), names,
            [str(p) for p in profile or []], budget, attempt_timeout, first, out, junit,
            json_output, facts))
