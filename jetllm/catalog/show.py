"""`profiles show`: one profile as it resolves for a host, and the image each
platform gets. A host that can run none of its images still sees the profile,
with the reason: that is information, not a failure (jetllm/render/profiles.py shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jetllm.catalog.platform import PlatformChoice, candidates, choices
from jetllm.catalog.render import render
from jetllm.core.errors import NoImageForHost

if TYPE_CHECKING:
    from jetllm.catalog.profile import Profile
    from jetllm.catalog.schema import HostPlatform, ImageVariant
    from jetllm.core.facts import HostFacts
    from jetllm.core.ladder import Ladder
    from jetllm.core.spec import ContainerSpec


@dataclass(frozen=True, slots=True)
class Shown:
    profile: Profile
    platform: HostPlatform  # this host's
    variants: list[ImageVariant]  # the images that fit this host, most preferred first
    spec: ContainerSpec | None  # None: this host can run none of them
    ladder: Ladder
    choices: list[PlatformChoice]
    no_image: NoImageForHost | None  # why there is no spec

    def ladder_json(self) -> dict[str, object]:
        """The ladder as `profiles show --json` prints it: each knob's steps as the profile gives them."""
        knobs = [{"name": k.name, "steps": k.values, "continuous": k.continuous} for k in self.ladder.knobs]
        return {"backend": self.profile.name, "platform": self.platform, "knobs": knobs}


def resolve(profile: Profile, facts: HostFacts, image: str | None = None) -> Shown:
    """The profile as it resolves here, with secret values as ${NAME} references."""
    from jetllm.core.redact import spec_without_secrets
    from jetllm.core.spec import Settings

    platform, variants = candidates(profile, facts)
    try:
        spec, no_image = spec_without_secrets(render(profile, facts, Settings(), image=image)), None
    except NoImageForHost as missing:
        spec, no_image = None, missing
    variants = [_without_secrets(v) for v in variants]
    return Shown(profile, platform, variants, spec, profile.ladder(facts), choices(profile), no_image)


def _without_secrets(variant: ImageVariant) -> ImageVariant:
    from jetllm.core.redact import args_without_secrets, env_without_secrets

    update: dict[str, object] = {"env": env_without_secrets(variant.env)}
    if variant.command is not None:  # items and groups of items, one for one
        flat = iter(args_without_secrets([p for i in variant.command for p in ([i] if isinstance(i, str) else i)]))
        update["command"] = [next(flat) if isinstance(i, str) else [next(flat) for _ in i] for i in variant.command]
    if variant.entrypoint is not None:
        update["entrypoint"] = args_without_secrets(variant.entrypoint)
    return variant.model_copy(update=update)
