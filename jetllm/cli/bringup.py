"""`jetllm bringup`: the whole pipeline; which backend runs here, with which settings.

Facts, profiles -> candidates, the search, the report (files, JUnit, terminal or JSON).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from jetllm.cli.options import (
    check_at_least,
    check_gpu_util,
    check_image,
    check_labels,
    check_memory,
    check_model,
    check_pull,
)
from jetllm.core.errors import UsageError
from jetllm.core.outcome import Outcome

if TYPE_CHECKING:
    from jetllm.modelinfo import GgufInfo
    from jetllm.search.stages import Overrides


@dataclass(frozen=True, kw_only=True)
class BringupOptions:
    overrides: Overrides
    backends: list[str] | None
    profile_files: list[str]
    budget: str | None
    attempt_timeout: str | None
    first: bool
    out: Path
    junit: Path | None
    json_output: bool
    facts_file: Path | None
    sometimes_steps: int = 1


def _seconds(text: str | None, option: str) -> float | None:
    from jetllm.search.budget import parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from exc


def _validate(options: BringupOptions) -> None:
    o = options.overrides
    check_gpu_util(o.gpu_util)
    check_at_least("--max-len", o.max_len, 1)
    check_pull(o.pull)
    check_memory(o.memory)
    check_model(o.model)
    check_image(o.image)
    check_labels()
    if o.image and len(options.backends or []) + len(options.profile_files) != 1:
        raise UsageError("--image needs exactly one backend (--backends NAME or one --profile FILE)")


def _progress(event: Any) -> None:
    from jetllm.core.events import Note, Phase
    from jetllm.render.console import err

    if isinstance(event, (Phase, Note)) and event.message:
        err().print(f"    {event.message}", markup=False, highlight=False)


def _model_info(model: str | None) -> GgufInfo | None:
    """A local GGUF model's header: the report shows it, the search stays within its context."""
    from jetllm.modelinfo import gguf_info, local_gguf

    path = local_gguf(model)
    return gguf_info(path) if path else None


def run_bringup(options: BringupOptions) -> Outcome:
    from jetllm import __version__
    from jetllm.facts import host_facts
    from jetllm.render.bringup import render_table
    from jetllm.render.console import err, out
    from jetllm.report import build_report, check_out_dir, report_errors, write_junit, write_report_dir
    from jetllm.report.rows import plural
    from jetllm.runtime import new_run_id
    from jetllm.search.budget import Budget
    from jetllm.search.loop import run_search
    from jetllm.search.stages import Stages, load_profiles
    from jetllm.search.steer import Policy

    _validate(options)
    budget = Budget(total_s=_seconds(options.budget, "--budget"),
                    attempt_s=_seconds(options.attempt_timeout, "--attempt-timeout"))
    check_out_dir(options.out)
    facts = host_facts(options.facts_file)
    run_id = new_run_id()
    model_info = _model_info(options.overrides.model)
    stages = Stages(facts=facts, overrides=options.overrides, run_id=run_id, progress=_progress,
                    model_context=model_info.context_length if model_info else None)
    selection = stages.candidates(load_profiles(options.profile_files, options.backends, facts))
    stages = stages.bind(selection)
    candidates = selection.candidates

    def notify(line: str) -> None:
        err().print(line, markup=False, highlight=False)

    for left in selection.left_out:
        notify(f"left out {left.candidate.name}: {left.diagnosis.cause if left.diagnosis else '-'}")
    also = f", {len(selection.left_out)} left out" if selection.left_out else ""
    notify(f"jetllm bringup: {plural(len(candidates), 'candidate')} to try{also}, run {run_id}")
    if model_info is not None:
        notify(f"model {model_info.path}: {model_info.describe()}")
    result = run_search(
        candidates, preflight=stages.preflight, attempt=stages.attempt, budget=budget,
        first=options.first, policy=Policy(sometimes_steps=options.sometimes_steps),
        notify=notify, spec_of=stages.spec, left_out=selection.left_out,
    )
    report = build_report(result, facts=facts, command=["jetllm", *sys.argv[1:]],
                          model=options.overrides.model, version=__version__, run_id=run_id,
                          model_info=model_info)
    report = write_report_dir(report, options.out)
    if options.junit is not None:
        write_junit(report, options.junit)
    if options.json_output:
        notify(f"Report written to {options.out}")
    else:
        render_table(report, out(), written_to=str(options.out))
    if report.interrupted:
        notify("jetllm: interrupted: the report is partial; no container was left running")
    if not options.json_output:
        return Outcome(report.exit_code)
    return Outcome(report.exit_code, report.to_json(), report_errors(report))


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
        from jetllm.search.stages import Overrides

        names = [b.strip() for b in backends.split(",") if b.strip()] if backends else None
        return run_bringup(BringupOptions(
            overrides=Overrides(model=model, image=image, gpu_util=gpu_util, max_len=max_len, memory=memory, pull=pull),
            backends=names, profile_files=[str(p) for p in profile or []], budget=budget,
            attempt_timeout=attempt_timeout, first=first, out=out, junit=junit, json_output=json_output,
            facts_file=facts))
