"""`jetllm profiles`: list the backend profiles; `profiles show NAME` resolves one
for this machine (or for another machine's facts with --facts FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jetllm.cli.options import Facts, Json
from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import Outcome


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
    from jetllm.render.profiles import render_list

    profiles = list_profiles()
    if as_json:
        return Outcome(ExitCode.OK, {"profiles": [_summary(p) for p in profiles]})
    render_list(profiles)
    return Outcome(ExitCode.OK)


def show_cmd(name: str | None, profile_file: Path | None, facts_file: Path | None,
             image: str | None, as_json: bool) -> Outcome:
    from jetllm.catalog import load_profile
    from jetllm.catalog.show import resolve
    from jetllm.cli.options import check_image
    from jetllm.core.errors import UsageError
    from jetllm.render.profiles import render_shown

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
        "ladder": shown.ladder_json(),
        "choices": [c.to_json() for c in shown.choices],
        "no_image": ({"class": missing.error_class, "reason": missing.message, "fix": missing.fix}
                     if missing is not None else None),
    }
    if as_json:
        return Outcome(ExitCode.OK, document)
    render_shown(shown)
    return Outcome(ExitCode.OK)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Backend profiles: list them, or show one resolved for this machine.",
                        invoke_without_command=True, no_args_is_help=False)

    @group.callback()
    def profiles(ctx: typer.Context, as_json: Json = False) -> Outcome | None:
        """List the backend profiles (shipped and your own)."""
        return list_cmd(as_json) if ctx.invoked_subcommand is None else None

    @group.command("show")
    def show(
        name: Annotated[str | None, typer.Argument(help="Backend name (vllm, ollama, llama.cpp, ...).")] = None,
        profile_file: Annotated[Path | None, typer.Option("--profile", help="A profile YAML file of your own.")] = None,
        facts_file: Facts = None,
        image: Annotated[str | None, typer.Option("--image", help="Use this image instead of the profile's.")] = None,
        as_json: Json = False,
    ) -> Outcome:
        """Show one profile as resolved for this machine: image, command, ladder."""
        return show_cmd(name, profile_file, facts_file, image, as_json)

    app.add_typer(group, name="profiles")
