"""`jetllm profiles`: list the backend profiles; `profiles show NAME` resolves one
for this machine (or for another machine's facts with --facts FILE)."""

from __future__ import annotations

from pathlib import Path

import typer

from jetllm.envelope import Outcome
from jetllm.exitcodes import ExitCode

FACTS_HELP = "Resolve for another machine: a `jetllm doctor --json` file."


def _facts(path: Path | None):  # type: ignore[no-untyped-def]
    from jetllm.facts import host_facts

    return host_facts(path)


def _summary(profile) -> dict[str, object]:  # type: ignore[no-untyped-def]
    images = {key: [v.image for v in getattr(profile.images, key)] for key in ("jetson", "x86_64", "sbsa", "cpu")}
    return {
        "name": profile.name,
        "description": profile.description,
        "formats": list(profile.formats),
        "port": profile.port,
        "images": images,
        "path": profile.path,
    }


def list_cmd(as_json: bool) -> Outcome:
    from jetllm.catalog import list_profiles
    from jetllm.console import out

    profiles = list_profiles()
    if as_json:
        return Outcome(ExitCode.OK, {"profiles": [_summary(p) for p in profiles]})
    from rich.table import Table

    table = Table("backend", "formats", "port", "platforms", "description", box=None)
    for p in profiles:
        platforms = [k for k in ("jetson", "x86_64", "sbsa", "cpu") if getattr(p.images, k)]
        table.add_row(p.name, ", ".join(p.formats), str(p.port), ", ".join(platforms), p.description)
    out().print(table)
    return Outcome(ExitCode.OK)


def show_cmd(name: str | None, profile_file: Path | None, facts_file: Path | None,
             image: str | None, as_json: bool) -> Outcome:
    from jetllm.catalog import load_profile
    from jetllm.catalog.show import render_shown, resolve
    from jetllm.console import out
    from jetllm.errors import UsageError
    from jetllm.options import check_image

    if not name and not profile_file:
        raise UsageError("name a backend (jetllm profiles show vllm) or give --profile FILE")
    check_image(image)
    profile = load_profile(str(profile_file) if profile_file else str(name))
    shown = resolve(profile, _facts(facts_file), image)
    missing = shown.no_image
    document = {
        "profile": _summary(profile),
        "platform": shown.platform,
        "images": [v.model_dump(mode="json", exclude_none=True) for v in shown.variants],
        "spec": shown.spec.model_dump(mode="json") if shown.spec is not None else None,
        "ladder": shown.ladder.model_dump(mode="json"),
        "choices": [c.to_json() for c in shown.choices],
        "no_image": ({"class": missing.error_class, "reason": missing.message, "fix": missing.fix}
                     if missing is not None else None),
    }
    if as_json:
        return Outcome(ExitCode.OK, document)
    render_shown(out(), shown)
    return Outcome(ExitCode.OK)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Backend profiles: list them, or show one resolved for this machine.",
                        invoke_without_command=True, no_args_is_help=False)

    @group.callback()
    def profiles(ctx: typer.Context,
                 as_json: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> Outcome | None:
        """List the backend profiles (shipped and your own)."""
        return list_cmd(as_json) if ctx.invoked_subcommand is None else None

    @group.command("show")
    def show(
        name: str | None = typer.Argument(None, help="Backend name (vllm, ollama, llama.cpp, ...)."),
        profile_file: Path | None = typer.Option(None, "--profile", help="A profile YAML file of your own."),
        facts_file: Path | None = typer.Option(None, "--facts", help=FACTS_HELP),
        image: str | None = typer.Option(None, "--image", help="Use this image instead of the profile's."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> Outcome:
        """Show one profile as resolved for this machine: image, command, ladder."""
        return show_cmd(name, profile_file, facts_file, image, as_json)

    app.add_typer(group, name="profiles")
