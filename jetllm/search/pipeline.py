"""`jetllm bringup` end to end: facts, profiles -> candidates, the search, the
report (files, JUnit, terminal or JSON). Returns the exit code."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jetllm.envelope import Outcome
from jetllm.errors import UsageError
from jetllm.options import (
    check_at_least,
    check_gpu_util,
    check_image,
    check_labels,
    check_memory,
    check_model,
    check_pull,
)
from jetllm.search.stages import Overrides

if TYPE_CHECKING:
    from jetllm.models import GgufInfo
    from jetllm.runtime.signals import Interrupts


@dataclass(frozen=True)
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
    from jetllm.console import err
    from jetllm.runtime.events import Note, Phase

    if isinstance(event, (Phase, Note)) and event.message:
        err().print(f"    {event.message}", markup=False, highlight=False)


def _model_info(model: str | None) -> GgufInfo | None:
    """A local GGUF model's header: the report shows it, the search stays within its context."""
    from jetllm.models import gguf_info, local_gguf

    path = local_gguf(model)
    return gguf_info(path) if path else None


def run_bringup(options: BringupOptions) -> Outcome:
    from jetllm.runtime.signals import run_interrupts

    with run_interrupts() as interrupts:  # a signal at any moment still ends in the report
        return _run_bringup(options, interrupts)


def _run_bringup(options: BringupOptions, interrupts: Interrupts) -> Outcome:
    from jetllm import __version__
    from jetllm.console import err, out
    from jetllm.facts import host_facts
    from jetllm.report import build_report, check_out_dir, report_errors, write_report_dir
    from jetllm.report.rows import plural
    from jetllm.report.table import render_table
    from jetllm.runtime import new_run_id
    from jetllm.search.budget import Budget
    from jetllm.search.loop import run_search
    from jetllm.search.stages import Stages, load_profiles
    from jetllm.search.steer import Policy

    _validate(options)
    budget = Budget(total_s=_seconds(options.budget, "--budget"),
                    attempt_s=_seconds(options.attempt_timeout, "--attempt-timeout"))
    check_out_dir(options.out, options.junit)
    facts = host_facts(options.facts_file)
    run_id = new_run_id()
    model_info = _model_info(options.overrides.model)
    stages = Stages(facts=facts, overrides=options.overrides, run_id=run_id, progress=_progress,
                    model_context=model_info.context_length if model_info else None)
    selection = stages.candidates(load_profiles(options.profile_files, options.backends, facts))
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
        candidates, preflight=interrupts.guard(stages.preflight), attempt=interrupts.guard(stages.attempt),
        budget=budget,
        first=options.first, policy=Policy(sometimes_steps=options.sometimes_steps),
        notify=notify, spec_of=stages.spec, left_out=selection.left_out,
    )
    if interrupts.seen is not None and not result.interrupted:  # it came after the last attempt
        result = result.model_copy(update={"interrupted": True})
    report = build_report(result, facts=facts, command=["jetllm", *sys.argv[1:]],
                          model=options.overrides.model, version=__version__, run_id=run_id,
                          model_info=model_info)
    interrupts.seal()  # the verdict is decided: write and print it whole
    report = write_report_dir(report, options.out, options.junit)
    if options.json_output:
        notify(f"Report written to {options.out}")
    else:
        render_table(report, out(), written_to=str(options.out))
    if report.interrupted:
        notify("jetllm: interrupted: the report is partial; no container was left running")
    if not options.json_output:
        return Outcome(report.exit_code)
    return Outcome(report.exit_code, report.to_json(), report_errors(report))
