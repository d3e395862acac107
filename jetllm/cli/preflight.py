"""`jetllm preflight IMAGE|BACKEND`: will it run here? Read from the local
Docker daemon when it holds the image, else from the registry (manifest and
config only, no layer pulled), and judged against this host's facts, or
another machine's (--facts FILE from `jetllm doctor --json`).

Exit 0 compatible; 1 incompatible, and also unknown (the registry could not
be read: not known to work, said plainly); 2 bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jetllm.cli.options import Facts, Json
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import ErrorItem, Outcome

if TYPE_CHECKING:
    from jetllm.core.compat import Compatibility


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
    from jetllm.render.preflight import render

    facts = host_facts(facts_file)
    image, backend = _image_for(target, profile_file, facts)
    result = check(image, facts)
    code = ExitCode.OK if result.compatible else ExitCode.NOT_WORKING
    if as_json:
        return Outcome(code, {**result.to_json(), **({"backend": backend} if backend else {})}, _errors(result))
    render(image, backend, result)
    return Outcome(code)


def _errors(result: Compatibility) -> tuple[ErrorItem, ...]:
    """Why the verdict is not compatible: its blockers, or that nothing could be read."""
    from jetllm.core.compat import Severity
    from jetllm.render.preflight import UNKNOWN

    if result.compatible is None:
        return (ErrorItem(result.failure_class.value, UNKNOWN),)
    return tuple(ErrorItem(r.failure_class.value, f"{r.rule}: {r.message}", r.fix)
                 for r in result.reasons if r.severity is Severity.BLOCKER)


def register(app: typer.Typer) -> None:
    @app.command("preflight")
    def preflight(
        target: Annotated[str | None, typer.Argument(
            help="An image (nvcr.io/nvidia/vllm:25.09-py3) or a backend (vllm).")] = None,
        profile_file: Annotated[Path | None, typer.Option(
            "--profile", help="Check the image of this profile file.")] = None,
        facts_file: Facts = None,
        as_json: Json = False,
    ) -> Outcome:
        """Will this image run here? Checked from the local daemon's copy, else its registry, before any pull."""
        return preflight_cmd(target, profile_file, facts_file, as_json)
