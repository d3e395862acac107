"""Profile (a validated YAML file) and Ladder (the steps a bring-up walks down)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from jetllm.catalog.schema import ProfileSpec, Step
from jetllm.core.record import Record

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts
    from jetllm.core.spec import Settings

# Knobs that are Settings fields; any other knob lives in Settings.extra.
SETTINGS_KNOBS = ("gpu_util", "max_len", "concurrency", "gpu_layers", "quantization")


class KnobSteps(Record):
    name: str
    steps: list[Step]  # most ambitious first
    continuous: bool  # bisectable between two steps (a fraction); else stepped only


class Ladder(Record):
    """The knobs in the order a bring-up steps them down (first knob first)."""

    backend: str
    platform: str
    knobs: list[KnobSteps] = Field(default_factory=list)

    def knob(self, name: str) -> KnobSteps | None:
        return next((knob for knob in self.knobs if knob.name == name), None)

    def first(self) -> Settings:
        """The most ambitious settings: every knob's first step."""
        return settings_with({knob.name: knob.steps[0] for knob in self.knobs})


def settings_with(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Settings with these knob values (Settings fields, or extra for the rest)."""
    from jetllm.core.spec import Settings

    start = base or Settings()
    fields = {key: value for key, value in values.items() if key in SETTINGS_KNOBS}
    extra = {key: value for key, value in values.items() if key not in SETTINGS_KNOBS}
    return start.model_copy(update={**fields, "extra": {**start.extra, **extra}})


class Profile(ProfileSpec):
    """A loaded profile; `path` is the file it came from."""

    path: str | None = None

    def ladder(self, facts: HostFacts) -> Ladder:
        from jetllm.catalog.platform import host_platform

        platform = host_platform(facts)
        knobs = [
            KnobSteps(name=name, steps=steps, continuous=knob.continuous)
            for name, knob in self.knobs.items()
            if (steps := knob.ladder.get(platform) or knob.ladder.get("default"))
        ]
        return Ladder(backend=self.name, platform=platform, knobs=knobs)

    def defaults(self) -> dict[str, Any]:
        return {name: knob.default for name, knob in self.knobs.items()}
