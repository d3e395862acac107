"""Ladders as the search walks them: per knob, every value it may try.

A profile gives each knob a few steps, most ambitious first (catalog
`Profile.ladder(facts)`). A continuous knob (a memory fraction) is expanded
here to every value between its first and last step at a resolution (0.05
for a fraction, 256 tokens for a length), so that bisection can find the
largest value that works; a stepped knob keeps its steps. Either way the
search bisects over the list, never walks it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pydantic import Field

from jetllm.core.record import Record
from jetllm.core.spec import Settings
from jetllm.core.spec import describe as describe  # the search's callers read it here

FRACTION_RESOLUTION = 0.05
TOKENS_RESOLUTION = 256
# Settings fields; any other knob is kept in Settings.extra.
SETTINGS_FIELDS = ("model", "gpu_util", "max_len", "concurrency", "gpu_layers", "quantization")

Value = Any  # float | int | str


class Knob(Record):
    """One knob: the values the search may give it, most ambitious first."""

    name: str
    values: list[Value] = Field(min_length=1)
    continuous: bool = False

    def capped(self, ceiling: Value) -> Knob:
        """Only values at or below `ceiling`, starting at it (a user's --gpu-util / --max-len)."""
        kept = [value for value in self.values if _num(value) < _num(ceiling)]
        return self.model_copy(update={"values": [ceiling, *kept]})


class Ladder(Record):
    """The knobs in the order the search steps them down."""

    knobs: list[Knob] = Field(default_factory=list)

    def knob(self, name: str) -> Knob | None:
        return next((knob for knob in self.knobs if knob.name == name), None)

    def settings(self, indices: dict[str, int], base: Settings) -> Settings:
        values = {knob.name: knob.values[indices.get(knob.name, 0)] for knob in self.knobs}
        return with_values(base, values)

    def grid_size(self) -> int:
        """Starts a full grid (every combination of values) would need."""
        return math.prod(len(knob.values) for knob in self.knobs) if self.knobs else 1

    def step_count(self) -> int:
        """Starts a walk down every value of every knob, one at a time, would need."""
        return 1 + sum(len(knob.values) - 1 for knob in self.knobs)

    def bound(self) -> int:
        """The most starts the search can make on this ladder (see `bisection_bound`)."""
        return 1 + sum(bisection_bound(len(knob.values)) - 1 for knob in self.knobs)


class _CatalogKnob(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def steps(self) -> Sequence[Value]: ...
    @property
    def continuous(self) -> bool: ...


class _CatalogLadder(Protocol):
    @property
    def knobs(self) -> Sequence[_CatalogKnob]: ...


def bisection_bound(values: int) -> int:
    """Starts needed to find the first working value of `values` ordered ones, the first
    known to be tried first: 1 + ceil(log2(values)). With a continuous knob of range R
    at resolution r, values = R / r + 1 (0.90..0.30 by 0.05: 13 values, at most 5 starts)."""
    return 1 + (math.ceil(math.log2(values)) if values > 1 else 0)


def expand(steps: Sequence[Value], resolution: float | None = None) -> list[Value]:
    """Every value from steps[0] down to steps[-1] at `resolution`, most ambitious first."""
    hi, lo = steps[0], steps[-1]
    if not isinstance(hi, (int, float)) or not isinstance(lo, (int, float)) or hi <= lo:
        return list(steps)
    integral = isinstance(hi, int) and isinstance(lo, int)
    step = resolution or (TOKENS_RESOLUTION if integral else FRACTION_RESOLUTION)
    count = int(math.floor((hi - lo) / step + 1e-9))
    values: list[Value] = [hi - i * step for i in range(count + 1)]
    if integral:
        values = [int(round(v)) for v in values]
    else:
        values = [round(v, 4) for v in values]
    if _num(values[-1]) > _num(lo):
        values.append(lo)
    return values


def from_catalog(ladder: _CatalogLadder, *, skip: Iterable[str] = ()) -> Ladder:
    """The search's ladder from the catalog's (`Profile.ladder(facts)`)."""
    skipped = set(skip)
    knobs = [
        Knob(
            name=knob.name,
            values=expand(list(knob.steps)) if knob.continuous else _descending(knob.steps),
            continuous=knob.continuous,
        )
        for knob in ladder.knobs
        if knob.steps and knob.name not in skipped
    ]
    return Ladder(knobs=knobs)


def with_values(base: Settings, values: dict[str, Value]) -> Settings:
    fields = {key: value for key, value in values.items() if key in SETTINGS_FIELDS}
    extra = {key: value for key, value in values.items() if key not in SETTINGS_FIELDS}
    return base.model_copy(update={**fields, "extra": {**base.extra, **extra}})


def _descending(steps: Sequence[Value]) -> list[Value]:
    unique: list[Value] = []
    for step in steps:
        if step not in unique:
            unique.append(step)
    return unique


def _num(value: Value) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0
