"""`jetllm classify LOG|-`: name the cause of a failed start from its log."""

from __future__ import annotations

from typing import Annotated

import typer

from jetllm.cli.options import Json
from jetllm.core.errors import UsageError
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import Outcome

JSON_KEYS = ("class", "cause", "evidence", "fix", "retry_smaller")


def _check_input(log: str) -> None:
    from jetllm.classify.reader import check_log_file
    from jetllm.render.diagnosis import note

    said = check_log_file(log)
    if said:
        note(said)


def run_classify(
    log: str,
    *,
    backend: str | None,
    exit_code: int | None,
    oom_killed: bool,
    timed_out: bool,
    platform: str | None,
    as_json: bool,
    ready: bool = False,
) -> Outcome:
    from jetllm.classify import classify_file
    from jetllm.core.diagnosis import ExitState
    from jetllm.facts import default_root
    from jetllm.facts.jetson import probe
    from jetllm.render.diagnosis import render

    _check_input(log)
    jetson = probe(default_root()).is_jetson if platform is None else platform == "jetson"
    state = None
    if exit_code is not None or oom_killed or timed_out or ready:
        state = ExitState(exit_code=exit_code, oom_killed=oom_killed, timed_out=timed_out, ready=ready)
    try:
        diagnosis = classify_file(log, exit_state=state, backend=backend, jetson=jetson)
    except OSError as exc:
        raise UsageError(f"cannot read {log}: {exc.strerror or exc}") from None
    if as_json:
        document = diagnosis.to_json()
        return Outcome(ExitCode.OK, {key: document[key] for key in JSON_KEYS})
    render(diagnosis)
    return Outcome(ExitCode.OK)


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify(
        log: Annotated[str, typer.Argument(metavar="LOG|-", help="Log file to read, or - for standard input.")],
        backend: Annotated[str | None, typer.Option("--backend", help="Backend that wrote the log (vllm, ollama, llama.cpp, tensorrt-llm, sglang, ...).")] = None,
        exit_code: Annotated[int | None, typer.Option("--exit-code", help="The container's exit code (0-255).")] = None,
        oom_killed: Annotated[bool, typer.Option("--oom-killed", help="Docker reported OOMKilled.")] = False,
        timed_out: Annotated[bool, typer.Option("--timed-out", help="It was stopped for not becoming ready in time.")] = False,
        ready: Annotated[bool, typer.Option("--ready", help="It served requests before it ended (evidence of health).")] = False,
        platform: Annotated[str | None, typer.Option("--platform", help="jetson or x86 (default: detected).")] = None,
        as_json: Json = False,
    ) -> Outcome:
        """Name the failure class of a backend log, with evidence, fix and retry_smaller."""

        return run_classify(log, backend=_backend(backend), exit_code=_exit_code(exit_code), oom_killed=oom_killed,
                     timed_out=timed_out, platform=_platform(platform), as_json=as_json, ready=ready)  # fmt: skip


def _backend(value: str | None) -> str | None:
    from jetllm.classify.catalog import BACKEND_ALIASES, backend_name

    if value is None:
        return None
    name = backend_name(value)
    if name is None:
        raise typer.BadParameter(f"unknown backend {value!r}; one of: {', '.join(sorted(BACKEND_ALIASES))}", param_hint="--backend")
    return name


def _exit_code(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 255:
        raise typer.BadParameter(f"{value} is no exit code: a process exits with 0-255 (137 = killed)",
                                 param_hint="--exit-code")  # fmt: skip
    return value


def _platform(value: str | None) -> str | None:
    if value is not None and value.lower() not in ("jetson", "x86"):
        raise typer.BadParameter(f"{value!r} is not jetson or x86", param_hint="--platform")
    return value.lower() if value else None
