"""`profiles show`: one profile as it resolves for a host, and the image each
platform gets. A host that can run none of its images still sees the profile,
with the reason: that is information, not a failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jetllm.catalog.platform import PlatformChoice, candidates, choices
from jetllm.catalog.render import render
from jetllm.errors import NoImageForHost

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.catalog.profile import Ladder, Profile
    from jetllm.catalog.schema import ImageVariant, Platform
    from jetllm.facts.models import HostFacts
    from jetllm.runtime.spec import ContainerSpec


@dataclass(frozen=True, slots=True)
class Shown:
    profile: Profile
    platform: Platform  # this host's
    variants: list[ImageVariant]  # the images that fit this host, most preferred first
    spec: ContainerSpec | None  # None: this host can run none of them
    ladder: Ladder
    choices: list[PlatformChoice]
    no_image: NoImageForHost | None  # why there is no spec


def resolve(profile: Profile, facts: HostFacts, image: str | None = None) -> Shown:
    """The profile as it resolves here, with secret values as ${NAME} references."""
    from jetllm.runtime.redact import spec_without_secrets
    from jetllm.runtime.spec import Settings

    platform, variants = candidates(profile, facts)
    try:
        spec, no_image = spec_without_secrets(render(profile, facts, Settings(), image=image)), None
    except NoImageForHost as missing:
        spec, no_image = None, missing
    variants = [_without_secrets(v) for v in variants]
    return Shown(profile, platform, variants, spec, profile.ladder(facts), choices(profile), no_image)


def _without_secrets(variant: ImageVariant) -> ImageVariant:
    from jetllm.runtime.redact import args_without_secrets, env_without_secrets

    update: dict[str, object] = {"env": env_without_secrets(variant.env)}
    if variant.command is not None:  # items and groups of items, one for one
        flat = iter(args_without_secrets([p for i in variant.command for p in ([i] if isinstance(i, str) else i)]))
        update["command"] = [next(flat) if isinstance(i, str) else [next(flat) for _ in i] for i in variant.command]
    if variant.entrypoint is not None:
        update["entrypoint"] = args_without_secrets(variant.entrypoint)
    return variant.model_copy(update=update)


def _rows(shown: Shown) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    spec = shown.spec
    if spec is None:
        assert shown.no_image is not None
        rows.append(("this host", f"no image it can run: {shown.no_image.message}"))
        if shown.no_image.fix:
            rows.append(("", f"fix: {shown.no_image.fix}"))
    else:
        rows.append(("image", f"{spec.image}  " + (f"(runtime {spec.runtime})" if spec.runtime
                                                   else f"(gpu {spec.gpu.value})")))
        others = [v.image for v in shown.variants if v.image != spec.image]
        if others:
            rows.append(("also", ", ".join(others)))
        rows.append(("command", " ".join([*(spec.entrypoint or []), *spec.command])))
        rows += [("env", f"{key}={value}") for key, value in spec.env.items()]
        rows += [("volume", f"{m.source}:{m.target}{':ro' if m.read_only else ''}") for m in spec.mounts]
        rows.append(("port", f"{spec.container_port}  api {spec.api_base}  ready {spec.ready.health_path}"))
        if spec.model_pull is not None:
            rows.append(("model", f"fetched once up: POST {spec.model_pull.path} ({spec.served_model})"))
    for knob in shown.ladder.knobs:
        kind = "continuous" if knob.continuous else "stepped"
        rows.append(("ladder", f"{knob.name}: {' > '.join(str(s) for s in knob.steps)} ({kind})"))
    for n, choice in enumerate(shown.choices):
        where = f"{choice.platform} (L4T {choice.l4t})" if choice.l4t else choice.platform
        rows.append(("" if n else "platforms", f"{where}: {choice.image or 'none'}"))
    return rows


def render_shown(console: Console, shown: Shown) -> None:
    from rich.table import Table
    from rich.text import Text

    profile = shown.profile
    head = Table.grid(padding=(0, 1))
    head.add_column(no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row(Text(f"{profile.name}:"), Text(f"{profile.description}  [{shown.platform}]"))
    console.print(head)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(width=0)  # the indent: the padding after this empty column
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in _rows(shown):
        grid.add_row("", label, Text(text))
    console.print(grid)
