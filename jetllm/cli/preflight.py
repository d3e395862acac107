"""`jetllm preflight IMAGE|BACKEND`: will it run here? Read from the local
Docker daemon when it holds the image, else from the registry (manifest and
config only, no layer pulled), and judged against this host's facts, or
another machine's (--facts FILE from `jetllm doctor --json`).

Exit 0 compatible; 1 incompatible, and also unknown (the registry could not
be read: not known to work, said plainly); 2 bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import ErrorItem, Outcome

if TYPE_CHECKING:
    from jetllm.core.compat import Compatibility

MARKS = {"blocker": "x ", "warning": "! ", "info": "ok"}
UNKNOWN = "not known to work: the registry could not be read, so nothing was checked but the tag"
SOURCES = {"daemon": "the image the local Docker daemon holds", "registry": "the registry (no layer pulled)"}


def _image_for(target: str | None, profile_file: Path | None, facts) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    """(image, backend) for an image reference, a backend name, or --profile FILE."""
    from jetllm.catalog import is_backend, load_profile, render
    from jetllm.core.errors import UsageError
    from jetllm.core.spec import Settings

    if profile_file is None and target and not is_backend(target):
        return target, None
    if profile_file is None and not target:
        raise UsageError("name an image or a backend (jetllm preflight vllm)")
    profile = load_profile(str(profile_file) if profile_file else str(target))
    return render(profile, facts, Settings()).image, profile.name


def preflight_cmd(target: str | None, profile_file: Path | None, facts_file: Path | None,
                  as_json: bool) -> Outcome:
    from jetllm.facts import host_facts
    from jetllm.preflight import check
    from jetllm.render.console import out

    facts = host_facts(facts_file)
    image, backend = _image_for(target, profile_file, facts)
    result = check(image, facts)
    code = ExitCode.OK if result.compatible else ExitCode.NOT_WORKING
    if as_json:
        return Outcome(code, {**result.to_json(), **({"backend": backend} if backend else {})}, _errors(result))
    verdict = {True: "compatible", False: "incompatible", None: "unknown"}[result.compatible]
    console = out()
    head = f"{image}: {verdict}" + (f" ({result.failure_class.value})" if result.compatible is False else "")
    console.print(head + (f"  [{backend}]" if backend else ""), soft_wrap=True)
    for reason in result.reasons:
        console.print(f"  {MARKS[reason.severity.value]} {reason.rule}: {reason.message}", soft_wrap=True)
        if reason.fix and reason.severity.value != "info":
            console.print(f"       fix: {reason.fix}", soft_wrap=True)
    if result.source is not None:
        console.print(f"  read from {SOURCES[result.source.value]}", soft_wrap=True)
    if result.compatible is None:
        console.print(f"  {UNKNOWN}", soft_wrap=True)
    return Outcome(code)


def _errors(result: Compatibility) -> tuple[ErrorItem, ...]:
    """Why the verdict is not compatible: its blockers, or that nothing could be read."""
    from jetllm.core.compat import Severity

    if result.compatible is None:
        return (ErrorItem(result.failure_class.value, UNKNOWN),)
    return tuple(ErrorItem(r.failure_class.value, f"{r.rule}: {r.message}", r.fix)
                 for r in result.reasons if r.severity is Severity.BLOCKER)


def register(app: typer.Typer) -> None:
    @app.command("preflight")
    def preflight(
        target: str | None = typer.Argument(None, help="An image (nvcr.io/nvidia/vllm:25.09-py3) or a backend (vllm)."),
        profile_file: Path | None = typer.Option(None, "--profile", help="Check the image of this profile file."),
        facts_file: Path | None = typer.Option(None, "--facts", help="Judge for another machine: a `jetllm doctor --json` file."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> Outcome:
        """Will this image run here? Checked from the local daemon's copy, else its registry, before any pull."""
        return preflight_cmd(target, profile_file, facts_file, as_json)
