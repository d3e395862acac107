"""`jetllm bringup`: the whole pipeline; which backend runs here, with which settings.

Facts, profiles -> candidates, the search, the report (files, JUnit, terminal or JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jetllm.cli.options import (
    ConcurrencySweep,
    Facts,
    GpuUtil,
    Image,
    Json,
    MaxLen,
    Memory,
    Model,
    Pull,
    TargetP95,
    check_shared,
    invocation,
    load_plan,
)
from jetllm.core.errors import UsageError
from jetllm.core.outcome import Outcome

if TYPE_CHECKING:
    from jetllm.core.load import LoadPlan
    from jetllm.core.signals import Interrupts
    from jetllm.modelinfo import GgufInfo
    from jetllm.modelinfo.shape import ModelShape
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
    require: str | None = None  # --require tool-calls,streaming
    load: LoadPlan | None = None  # --concurrency-sweep, --target-p95
    soak: str | None = None  # --soak 10m: the winner, once more, under a request loop
    command: tuple[str, ...] = ()  # the arguments as given, for the report


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
    check_shared(model=o.model, image=o.image, gpu_util=o.gpu_util, max_len=o.max_len, memory=o.memory, pull=o.pull)
    if o.image and len(options.backends or []) + len(options.profile_files) != 1:
        raise UsageError("--image needs exactly one backend (--backends NAME or one --profile FILE)")


def _model_info(model: str | None) -> GgufInfo | None:
    """A local GGUF model's header: the report shows it, the search stays within its context."""
    from jetllm.modelinfo import gguf_info, local_gguf

    path = local_gguf(model)
    return gguf_info(path) if path else None


def _model_shape(model: str | None, info: GgufInfo | None) -> ModelShape | None:
    """The model's memory figures where they are local (a GGUF header, a checkpoint folder's
    config.json and safetensors headers): the search starts at the context predicted to fit."""
    from jetllm.modelinfo.shape import from_gguf, local_folder

    if info is not None:
        return from_gguf(info)
    folder = Path(model).expanduser() if model else None
    if folder is not None and (folder / "config.json").is_file():
        try:
            return local_folder(folder)
        except (OSError, ValueError):
            return None  # the search runs blind; the start says what is wrong with the model
    return None


def run_bringup(options: BringupOptions) -> Outcome:
    from jetllm.core.signals import run_interrupts

    with run_interrupts() as interrupts:  # a signal at any moment still ends in the report
        return _run_bringup(options, interrupts)


def _run_bringup(options: BringupOptions, interrupts: Interrupts) -> Outcome:
    from jetllm import __version__
    from jetllm.core.events import BringupPlanned, CandidateLeftOut, LocalModel
    from jetllm.facts import host_facts
    from jetllm.render.bringup import render_result
    from jetllm.render.progress import ProgressView
    from jetllm.report import build_report, check_out_dir, report_errors, write_report_dir
    from jetllm.report.model import with_soak
    from jetllm.runtime import new_run_id
    from jetllm.search.budget import Budget
    from jetllm.search.loop import run_search
    from jetllm.search.requirements import LATENCY, parse_requirements
    from jetllm.search.stages import Stages, load_profiles
    from jetllm.search.steer import Policy

    _validate(options)
    soak_s = _seconds(options.soak, "--soak")
    require = parse_requirements(options.require)
    search_require = list(require)  # latency is known only once the winner is swept
    if options.load is not None and options.load.target_p95_s is not None:
        require.append(LATENCY)
    budget = Budget(total_s=_seconds(options.budget, "--budget"),
                    attempt_s=_seconds(options.attempt_timeout, "--attempt-timeout"))
    check_out_dir(options.out, options.junit)
    facts = host_facts(options.facts_file)
    run_id = new_run_id()
    model_info = _model_info(options.overrides.model)
    with ProgressView() as view:
        stages = Stages(facts=facts, overrides=options.overrides, run_id=run_id, progress=view,
                        model_context=model_info.context_length if model_info else None,
                        shape=_model_shape(options.overrides.model, model_info))
        selection = stages.candidates(load_profiles(options.profile_files, options.backends, facts))
        stages = stages.bind(selection)
        candidates = selection.candidates
        for left in selection.left_out:
            view(CandidateLeftOut(left.candidate.name, left.diagnosis.cause if left.diagnosis else None))
        view(BringupPlanned(candidates=len(candidates), left_out=len(selection.left_out), run_id=run_id))
        if model_info is not None:
            view(LocalModel(str(model_info.path), model_info.describe()))
        result = run_search(
            candidates, preflight=interrupts.guard(stages.preflight), attempt=interrupts.guard(stages.attempt),
            budget=budget,
            first=options.first, policy=Policy(sometimes_steps=options.sometimes_steps),
            progress=view, spec_of=stages.spec, left_out=selection.left_out, require=search_require,
        )
        kept = None
        if options.load is not None and result.winner is not None and not result.interrupted \
                and interrupts.seen is None:
            from jetllm.cli.bringup_sweep import sweep_winner

            try:
                result, kept = interrupts.guard(sweep_winner)(stages, result, options.load, soak_s is not None)
            except KeyboardInterrupt:
                kept = None  # each container it started is removed on the way out
        soak = None
        if kept is not None and (result.interrupted or interrupts.seen is not None):
            from jetllm.cli.bringup_sweep import remove

            remove(stages, kept)  # no soak now: the container kept for it goes
        elif soak_s is not None and result.winner is not None and not result.interrupted and interrupts.seen is None:
            from jetllm.cli.bringup_soak import soak_winner

            try:  # armed: Ctrl-C ends the soak with its figures so far (the soak loop catches it)
                soak = interrupts.guard(soak_winner)(stages, result.winner, soak_s, kept)
            except KeyboardInterrupt:
                soak = None  # while the winner started again: that attempt removed its container
    if interrupts.seen is not None and not result.interrupted:  # it came after the last attempt
        result = result.model_copy(update={"interrupted": True})
    report = build_report(result, facts=facts, command=["jetllm", *options.command],
                          model=options.overrides.model, version=__version__, run_id=run_id,
                          model_info=model_info, require=require)
    if soak is not None:
        report = with_soak(report, soak)
    interrupts.seal()  # the verdict is decided: write and print it whole
    report = write_report_dir(report, options.out, options.junit)
    render_result(report, written_to=str(options.out), table=not options.json_output)
    if not options.json_output:
        return Outcome(report.exit_code)
    return Outcome(report.exit_code, report.to_json(), report_errors(report))


HELP = """Find which backend serves MODEL on this machine, with which settings, and how fast.

Candidates in preference order (--backends, else the profiles' order for this
platform); preflight first (an incompatible image is never pulled); per
candidate a ladder of settings, bisected from the most ambitious down, steered
by each failure's diagnosis. Writes a report folder (--out) and optionally JUnit,
also when no backend could be tried (each one left out is a row, with why).
Exit 0 a backend works (and meets --require), 1 none does, 2 bad usage, 130 interrupted (partial report)."""


def register(app: typer.Typer) -> None:
    @app.command("bringup", help=HELP)
    def bringup(
        ctx: typer.Context,
        model: Model = None,
        backends: Annotated[str | None, typer.Option("--backends", help="Comma-separated, in preference order.")] = None,
        profile: Annotated[list[Path] | None, typer.Option(
            "--profile", metavar="FILE", help="A profile YAML file (repeatable).")] = None,
        image: Image = None,
        gpu_util: GpuUtil = None,
        max_len: MaxLen = None,
        memory: Memory = None,
        pull: Pull = "missing",
        budget: Annotated[str | None, typer.Option("--budget", help="Time for the whole run, e.g. 30m.")] = None,
        attempt_timeout: Annotated[str | None, typer.Option(
            "--attempt-timeout", help="Time per attempt, e.g. 10m.")] = None,
        first: Annotated[bool, typer.Option("--first", help="Stop at the first backend that works.")] = False,
        require: Annotated[str | None, typer.Option(
            "--require", metavar="LIST",
            help="What the winner must do, comma-separated: streaming, chat, tool-calls, structured-output, "
                 "sanity. A backend that misses one ranks below those that meet them; exit 0 only when "
                 "the winner meets all.")] = None,
        out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("jetllm-report"),
        junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")] = None,
        json_output: Json = False,
        facts: Facts = None,
        try_anyway: Annotated[bool, typer.Option(
            "--try-anyway", help="Start a backend even where the model is predicted not to fit.")] = False,
        concurrency_sweep: ConcurrencySweep = None,
        target_p95: TargetP95 = None,
        soak: Annotated[str | None, typer.Option(
            "--soak", metavar="DURATION",
            help="Start the winner once more and soak it, e.g. 10m (see jetllm soak).")] = None,
    ) -> Outcome:
        from jetllm.search.stages import Overrides

        names = [b.strip() for b in backends.split(",") if b.strip()] if backends else None
        return run_bringup(BringupOptions(
            overrides=Overrides(model=model, image=image, gpu_util=gpu_util, max_len=max_len, memory=memory, pull=pull,
                                try_anyway=try_anyway),
            backends=names, profile_files=[str(p) for p in profile or []], budget=budget,
            attempt_timeout=attempt_timeout, first=first, out=out, junit=junit, json_output=json_output,
            require=require, load=load_plan(concurrency_sweep, target_p95), soak=soak, facts_file=facts, command=tuple(invocation(ctx).argv)))
