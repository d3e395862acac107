"""Ladder: per knob, the values a bring-up may give it, most ambitious first.

The catalog builds one from a profile for a host's platform (`Profile.ladder(facts)`:
the steps as the profile writes them); the search refines it (search/ladder.py: a
continuous knob gets every value between its first and last step) and walks it.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field

from jetllm.core.record import Record
from jetllm.core.spec import Settings

Value = Any  # float | int | str


class Knob(Record):
    """One knob: the values it may take, most ambitious first."""

    name: str
    values: list[Value] = Field(min_length=1)
    continuous: bool = False  # bisectable between two values (a fraction); else stepped only
    up_on: list[str] = Field(default_factory=list)  # failure classes after which it is never stepped down
    down_on: list[str] = Field(default_factory=list)  # when set: the only classes that step it down

    def steps_down_on(self, failure_class: str | None) -> bool:
        """Whether a failure of this class may step this knob down (its profile's direction by cause)."""
        if failure_class is None:
            return True
        return failure_class not in self.up_on and (not self.down_on or failure_class in self.down_on)

    def capped(self, ceiling: Value) -> Knob:
        """Only values at or below `ceiling`, starting at it (a user's --gpu-util / --max-len)."""
        kept = [value for value in self.values if _num(value) < _num(ceiling)]
        return self.model_copy(update={"values": [ceiling, *kept]})


class Ladder(Record):
    """The knobs in the order a bring-up steps them down (first knob first)."""

    knobs: list[Knob] = Field(default_factory=list)

    def knob(self, name: str) -> Knob | None:
        return next((knob for knob in self.knobs if knob.name == name), None)

    def settings(self, indices: dict[str, int], base: Settings | None = None) -> Settings:
        """`base` with each knob at the value of its index (0, the first, where none is given)."""
        values = {knob.name: knob.values[indices.get(knob.name, 0)] for knob in self.knobs}
        return (base or Settings()).with_knobs(values)

    def first(self) -> Settings:
        """The most ambitious settings: every knob at its first value."""
        return self.settings({})

    def grid_size(self) -> int:
        """Starts a full grid (every combination of values) would need."""
        return math.prod(len(knob.values) for knob in self.knobs) if self.knobs else 1

    def step_count(self) -> int:
        """Starts a walk down every value of every knob, one at a time, would need."""
        return 1 + sum(len(knob.values) - 1 for knob in self.knobs)

    def bound(self) -> int:
        """The most starts the search can make on this ladder (see `bisection_bound`)."""
        return 1 + sum(bisection_bound(len(knob.values)) - 1 for knob in self.knobs)


def bisection_bound(values: int) -> int:
    """Starts needed to find the first working value of `values` ordered ones, the first
    known to be tried first: 1 + ceil(log2(values)). With a continuous knob of range R
    at resolution r, values = R / r + 1 (0.90..0.30 by 0.05: 13 values, at most 5 starts)."""
    return 1 + (math.ceil(math.log2(values)) if values > 1 else 0)


def _num(value: Value) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0
