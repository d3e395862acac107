"""`jetllm soak`: a bounded request loop against a serving backend, and a verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jetllm.cli.options import Facts, Json
from jetllm.core.errors import UsageError
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import ErrorItem, Outcome

TEXTFILE = "jetllm_soak.prom"


def _from_report(directory: Path) -> tuple[str, str | None]:
    """OPENAI_BASE_URL and OPENAI_MODEL from the .env a bring-up wrote."""
    from jetllm.core.inputs import read_text

    env = directory / ".env"
    if not env.is_file():
        raise UsageError(f"--report {directory}: no .env there (bringup writes one beside docker-compose.yml)")
    values = dict(line.split("=", 1) for line in read_text(env, limit=1 << 16, name=f"--report {env}").splitlines()
                  if "=" in line and not line.lstrip().startswith("#"))
    url = values.get("OPENAI_BASE_URL", "").strip()
    if not url:
        raise UsageError(f"--report {directory}: .env has no OPENAI_BASE_URL")
    return url, values.get("OPENAI_MODEL", "").strip() or None


def run_soak_command(*, base_url: str | None, report: Path | None, model: str | None, duration: str,
                     concurrency: int, container: str | None, textfile: Path | None, json: bool,
                     facts_file: Path | None = None) -> Outcome:
    from jetllm.core.files import atomic_write
    from jetllm.facts import host_facts
    from jetllm.render.soak import SoakBar, render_soak, say
    from jetllm.report.prom import soak_textfile
    from jetllm.runtime.soak import run_soak
    from jetllm.search.budget import parse_duration
    from jetllm.smoke.models import served_model

    if (base_url is None) == (report is None):
        raise UsageError("give --base-url URL or --report DIR (exactly one)")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url: not an http(s) URL: {base_url!r}")
    if concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, not {concurrency}")
    try:
        seconds = parse_duration(duration)
    except ValueError as exc:
        raise UsageError(f"--duration: {exc}") from exc
    if report is not None:
        base_url, model = _from_report(report)[0], model or _from_report(report)[1]
    assert base_url is not None
    client = None
    if container is not None:
        from jetllm.dockerenv import DockerUnavailable, connect

        try:
            client = connect()
            client.containers.get(container)
        except DockerUnavailable as exc:
            raise UsageError(f"--container {container}: {exc.message}") from exc
        except Exception as exc:
            raise UsageError(f"--container {container}: no such container") from exc
    facts = host_facts(facts_file)
    model = model or served_model(base_url)
    say(f"{base_url} model {model}: {seconds:g} s at concurrency {concurrency} (Ctrl-C ends it with the figures)")
    with SoakBar(seconds) as bar:
        result = run_soak(base_url, model, duration_s=seconds, concurrency=concurrency, container=container,
                          client=client, say=say, tick=bar, jetson=facts.jetson.is_jetson)
    result = result.model_copy(update={"power_mode": facts.jetson.power_mode})
    path = textfile or ((report or Path(".")) / TEXTFILE)
    atomic_write(path, soak_textfile(result))
    code = ExitCode.INTERRUPTED if result.interrupted else (
        ExitCode.OK if result.verdict == "stable" else ExitCode.NOT_WORKING)
    if json:
        errors: tuple[ErrorItem, ...] = ()
        if result.diagnosis is not None:
            d = result.diagnosis
            errors = (ErrorItem(d.failure_class.value, d.cause, d.fix),)
        return Outcome(code, {**result.model_dump(mode="json", by_alias=True), "textfile": str(path)}, errors)
    render_soak(result, str(path))
    return Outcome(code)


HELP = """Soak a serving backend: streamed chat requests at a set concurrency for a set time,
recording errors, latency drift (first against last tenth), and with --container its
memory (docker stats), restarts and exit. The verdict is stable, or the class of what
went wrong (a container that died is classified from its log). Writes a Prometheus
textfile. Ctrl-C ends it with the figures so far. Exit 0 stable, 1 not, 2 bad usage,
130 interrupted."""


def register(app: typer.Typer) -> None:
    @app.command("soak", help=HELP)
    def soak(
        base_url: Annotated[str | None, typer.Option("--base-url", help="The server, e.g. http://127.0.0.1:8000/v1.")] = None,
        report: Annotated[Path | None, typer.Option(
            "--report", metavar="DIR", help="A bringup report folder: soak the winner its .env names.")] = None,
        model: Annotated[str | None, typer.Option("--model", help="The model to ask (default: the server's first).")] = None,
        duration: Annotated[str, typer.Option("--duration", help="How long, e.g. 10m, 1h.")] = "10m",
        concurrency: Annotated[int, typer.Option("--concurrency", help="Requests at once.")] = 1,
        container: Annotated[str | None, typer.Option(
            "--container", help="The server's container: memory, restarts, and its log if it dies.")] = None,
        textfile: Annotated[Path | None, typer.Option(
            "--textfile", help=f"Prometheus textfile to write (default: {TEXTFILE} here or in --report DIR).")] = None,
        json: Json = False,
        facts: Facts = None,
    ) -> Outcome:
        return run_soak_command(base_url=base_url, report=report, model=model, duration=duration,
                                concurrency=concurrency, container=container, textfile=textfile, json=json,
                                facts_file=facts)
