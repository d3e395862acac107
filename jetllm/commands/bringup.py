"""`jetllm bringup`: the whole pipeline; which backend runs here, with which settings."""

from __future__ import annotations

from pathlib import Path

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
    def bringup(
        model: str | None = typer.Option(None, "--model", help="HF id, GGUF path or Ollama tag."),
        backends: str | None = typer.Option(None, "--backends", help="Comma-separated, in preference order."),
        profile: list[Path] | None = typer.Option(None, "--profile", metavar="FILE", help="A profile YAML file (repeatable)."),
        image: str | None = typer.Option(None, "--image", help="This image (with a single backend)."),
        gpu_util: float | None = typer.Option(None, "--gpu-util", help="Most memory fraction to try; the search steps down from it."),
        max_len: int | None = typer.Option(None, "--max-len", help="Longest context to try; the search steps down from it."),
        memory: str | None = typer.Option(None, "--memory", help="Container memory ceiling, e.g. 8g."),
        pull: str = typer.Option("missing", "--pull", help="missing, always or never."),
        budget: str | None = typer.Option(None, "--budget", help="Time for the whole run, e.g. 30m."),
        attempt_timeout: str | None = typer.Option(None, "--attempt-timeout", help="Time per attempt, e.g. 10m."),
        first: bool = typer.Option(False, "--first", help="Stop at the first backend that works."),
        out: Path = typer.Option(Path("jetllm-report"), "--out", help="Report folder."),
        junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML here."),
        json_output: bool = typer.Option(False, "--json", help="Print report.json on stdout."),
        facts: Path | None = typer.Option(None, "--facts", help="Host facts from `jetllm doctor --json`."),
    ) -> Outcome:
        from jetllm.search.pipeline import BringupOptions, run_bringup
        from jetllm.search.stages import Overrides

        names = [b.strip() for b in backends.split(",") if b.strip()] if backends else None
        return run_bringup(BringupOptions(
            Overrides(model, image, gpu_util, max_len, memory, pull), names,
            [str(p) for p in profile or []], budget, attempt_timeout, first, out, junit,
            json_output, facts))
