"""`jetllm try BACKEND`: one real attempt, measured and, when it fails, classified.

The Typer command, its option checks, the spec it builds, and the run.
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
    check_at_least,
    check_seconds,
    check_shared,
    load_plan,
)
from jetllm.core.errors import UsageError
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import ErrorItem, Outcome

if TYPE_CHECKING:
    from jetllm.core.load import LoadPlan
    from jetllm.core.spec import ContainerSpec, Settings


@dataclass(frozen=True, slots=True, kw_only=True)
class TryOptions:
    backend: str | None
    profile: Path | None
    settings: Settings
    image: str | None = None
    port: int | None = None
    memory: str | None = None
    timeout_s: float | None = None
    pull: str = "missing"
    keep: bool = False
    force: bool = False
    facts: Path | None = None
    json: bool = False
    load: LoadPlan | None = None


def check(options: TryOptions) -> None:
    """Bad usage is one line and exit 2, before anything runs."""
    if (options.backend is None) == (options.profile is None):
        raise UsageError("give a BACKEND or --profile FILE (exactly one)")
    s = options.settings
    check_shared(model=s.model, image=options.image, gpu_util=s.gpu_util, max_len=s.max_len,
                 memory=options.memory, pull=options.pull)
    check_at_least("--concurrency", s.concurrency, 1)
    check_at_least("--gpu-layers", s.gpu_layers, 0)
    if options.port is not None and not 0 < options.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {options.port}")
    check_seconds("--timeout", options.timeout_s)


def build_spec(options: TryOptions, facts: object) -> ContainerSpec:
    from jetllm.catalog import load_profile, render
    from jetllm.catalog.render import require_knobs, require_model
    from jetllm.modelinfo.formats import format_mismatch

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
    from jetllm.core.attempt import AttemptOutcome
    from jetllm.facts import host_facts
    from jetllm.render.attempt import render_attempt
    from jetllm.render.progress import ProgressView
    from jetllm.runtime import ports
    from jetllm.runtime.attempt import new_run_id, run_attempt

    check(options)
    facts = host_facts(options.facts)
    spec = build_spec(options, facts)
    if spec.host_port is not None:
        ports.require_free(spec.host_port, spec.host_address)  # before anything is pulled
    run_id = new_run_id()
    with ProgressView() as view:
        attempt = run_attempt(spec, facts=facts, pull_policy=options.pull,
                              keep=options.keep, force=options.force, run_id=run_id, progress=view,
                              load=options.load)
    code = ExitCode.OK if attempt.outcome is AttemptOutcome.READY else ExitCode.NOT_WORKING
    if options.json:
        found = attempt.diagnosis
        errors = () if code == ExitCode.OK else (
            (ErrorItem(found.failure_class.value, found.cause, found.fix),) if found
            else (ErrorItem("unknown", f"{attempt.backend}: {attempt.outcome.value}"),))
        return Outcome(code, {**attempt.to_json(), "run_id": run_id}, errors)
    render_attempt(attempt, run_id if attempt.container_name else None)
    return Outcome(code)


HELP = """One attempt: resolve the backend's image for this machine, pull it if needed,
start it with the given settings, wait until it serves, send one streamed chat
request, measure, stop it, and say what happened. Exit 0 ready, 1 failed, 2 bad usage."""


def register(app: typer.Typer) -> None:
    @app.command("try", help=HELP)
    def try_(
        backend: Annotated[str | None, typer.Argument(help="vllm, ollama, llama.cpp, sglang, tensorrt-llm")] = None,
        profile: Annotated[Path | None, typer.Option("--profile", help="A profile YAML file instead of BACKEND.")] = None,
        image: Image = None,
        model: Model = None,
        gpu_util: GpuUtil = None,
        max_len: MaxLen = None,
        concurrency: Annotated[int | None, typer.Option("--concurrency", help="Max parallel sequences.")] = None,
        gpu_layers: Annotated[int | None, typer.Option(
            "--gpu-layers", help="Layers offloaded (llama.cpp, Ollama).")] = None,
        quantization: Annotated[str | None, typer.Option(
            "--quantization", help="Passed to the backend (awq, gptq, fp8, ...).")] = None,
        port: Annotated[int | None, typer.Option("--port", help="Host port (on 127.0.0.1).")] = None,
        memory: Memory = None,
        timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds to wait for readiness.")] = None,
        pull: Pull = "missing",
        keep: Annotated[bool, typer.Option("--keep", help="Leave a working backend running.")] = False,
        force: Annotated[bool, typer.Option("--force", help="Skip the prerequisite checks.")] = False,
        facts: Facts = None,
        json: Json = False,
        concurrency_sweep: ConcurrencySweep = None,
        target_p95: TargetP95 = None,
    ) -> Outcome:
        from jetllm.core.spec import Settings

        load = load_plan(concurrency_sweep, target_p95)
        settings = Settings(model=model, gpu_util=gpu_util, max_len=max_len, concurrency=concurrency,
                            gpu_layers=gpu_layers, quantization=quantization)
        return run_try(TryOptions(backend=backend, profile=profile, image=image, settings=settings, port=port,
                                  memory=memory, timeout_s=timeout, pull=pull, keep=keep, force=force,
                                  facts=facts, json=json, load=load))
