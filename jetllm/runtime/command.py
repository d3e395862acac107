"""`jetllm try` behind its Typer adapter: check options, build the spec, run, render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jetllm.envelope import ErrorItem, Outcome
from jetllm.errors import UsageError
from jetllm.exitcodes import ExitCode
from jetllm.options import (
    check_at_least,
    check_gpu_util,
    check_image,
    check_labels,
    check_memory,
    check_model,
    check_pull,
    check_seconds,
)
from jetllm.runtime.spec import ContainerSpec, Settings


@dataclass(frozen=True, slots=True)
class TryOptions:
    backend: str | None
    profile: Path | None
    image: str | None = None
    settings: Settings = Settings()
    port: int | None = None
    memory: str | None = None
    timeout_s: float | None = None
    pull: str = "missing"
    keep: bool = False
    force: bool = False
    facts: Path | None = None
    json: bool = False


def check(options: TryOptions) -> None:
    """Bad usage is one line and exit 2, before anything runs."""
    if (options.backend is None) == (options.profile is None):
        raise UsageError("give a BACKEND or --profile FILE (exactly one)")
    s = options.settings
    check_gpu_util(s.gpu_util)
    for flag, value, least in (("--max-len", s.max_len, 1), ("--concurrency", s.concurrency, 1),
                               ("--gpu-layers", s.gpu_layers, 0)):
        check_at_least(flag, value, least)
    if options.port is not None and not 0 < options.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {options.port}")
    check_seconds("--timeout", options.timeout_s)
    check_pull(options.pull)
    check_memory(options.memory)
    check_model(s.model)
    check_image(options.image)
    check_labels()


def build_spec(options: TryOptions, facts: object) -> ContainerSpec:
    from jetllm.catalog import load_profile, render
    from jetllm.catalog.render import require_knobs, require_model
    from jetllm.models.formats import format_mismatch

    name = str(options.profile) if options.profile is not None else str(options.backend)
    profile = load_profile(name)
    require_model(profile, options.settings)
    require_knobs(profile, options.settings)
    mismatch = format_mismatch(list(profile.formats), options.settings.model)
    if mismatch is not None:
        raise UsageError(f"{profile.name}: {mismatch}")
    spec = render(profile, facts, options.settings, image=options.image)  # type: ignore[arg-type]
    ready = spec.ready
    if options.timeout_s is not None:
        ready = ready.model_copy(update={"timeout_s": options.timeout_s})
    return spec.model_copy(update={"host_port": options.port, "ready": ready,
                                   "memory_limit": options.memory or spec.memory_limit})


def run_try(options: TryOptions) -> Outcome:
    from jetllm.console import err, out
    from jetllm.facts import host_facts
    from jetllm.runtime import ports
    from jetllm.runtime.attempt import new_run_id, run_attempt
    from jetllm.runtime.result import Outcome as AttemptOutcome
    from jetllm.runtime.view import ProgressView, render_attempt

    check(options)
    facts = host_facts(options.facts)
    spec = build_spec(options, facts)
    if spec.host_port is not None:
        ports.require_free(spec.host_port, spec.host_address)  # before anything is pulled
    run_id = new_run_id()
    with ProgressView(err()) as view:
        attempt = run_attempt(spec, facts=facts, pull_policy=options.pull,
                              keep=options.keep, force=options.force, run_id=run_id, progress=view)
    code = ExitCode.OK if attempt.outcome is AttemptOutcome.READY else ExitCode.NOT_WORKING
    if options.json:
        found = attempt.diagnosis
        errors = () if code == ExitCode.OK else (
            (ErrorItem(found.failure_class.value, found.cause, found.fix),) if found
            else (ErrorItem("unknown", f"{attempt.backend}: {attempt.outcome.value}"),))
        return Outcome(code, {**attempt.to_json(), "run_id": run_id}, errors)
    render_attempt(out(), attempt, run_id if attempt.container_name else None)
    return Outcome(code)
