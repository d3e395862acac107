"""Profile: a validated YAML file, and the ladder it gives a host's platform."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jetllm.catalog.schema import ProfileSpec
from jetllm.core.ladder import Knob, Ladder

if TYPE_CHECKING:
    from jetllm.core.facts import HostFacts


class Profile(ProfileSpec):
    """A loaded profile; `path` is the file it came from."""

    path: str | None = None

    def ladder(self, facts: HostFacts) -> Ladder:
        """The knobs in the order a bring-up steps them down, each with this platform's steps."""
        from jetllm.catalog.platform import host_platform

        platform = host_platform(facts)
        knobs = [
            Knob(name=name, values=steps, continuous=knob.continuous, up_on=knob.up_on, down_on=knob.down_on)
            for name, knob in self.knobs.items()
            if (steps := knob.ladder.get(platform) or knob.ladder.get("default"))
        ]
        return Ladder(knobs=knobs)

    def defaults(self) -> dict[str, Any]:
        return {name: knob.default for name, knob in self.knobs.items()}
