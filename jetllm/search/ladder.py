"""Ladders as the search walks them: per knob, every value it may try.

A profile gives each knob a few steps, most ambitious first (catalog
`Profile.ladder(facts)`). A continuous knob (a memory fraction) is expanded
here to every value between its first and last step at a resolution (0.05
for a fraction, 256 tokens for a length), and the context (max_len) to every
multiple of 1024 between its points, so that bisection, or a step the backend's
own figures point at, can find the largest value that works; another stepped
knob keeps its steps. Either way the
search bisects over the list, never walks it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from jetllm.core.ladder import Ladder, Value
from jetllm.core.spec import describe as describe  # the search's callers read it here

FRACTION_RESOLUTION = 0.05
TOKENS_RESOLUTION = 256
CONTEXT_RESOLUTION = 1024  # a context is searched in multiples of this, between the ladder's points


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
    if values[-1] > lo:
        values.append(lo)
    return values


def refined(ladder: Ladder) -> Ladder:
    """The ladder the search walks: a continuous knob expanded between its steps,
    a stepped one without repeats (from the catalog's `Profile.ladder(facts)`)."""
    knobs = [
        knob.model_copy(update={"values": context_steps(knob.values) if knob.name == "max_len"
                                else expand(knob.values) if knob.continuous else _descending(knob.values)})
        for knob in ladder.knobs
    ]
    return ladder.model_copy(update={"knobs": knobs})


def context_steps(steps: Sequence[Value]) -> list[Value]:
    """The first step, then every multiple of CONTEXT_RESOLUTION below it down to the last step."""
    hi, lo = steps[0], steps[-1]
    if not isinstance(hi, int) or not isinstance(lo, int) or hi <= lo:
        return _descending(steps)
    multiples = range((hi - 1) // CONTEXT_RESOLUTION, -(-lo // CONTEXT_RESOLUTION) - 1, -1)
    values: list[Value] = [hi, *(k * CONTEXT_RESOLUTION for k in multiples)]
    return values if values[-1] == lo else [*values, lo]


def _descending(steps: Sequence[Value]) -> list[Value]:
    unique: list[Value] = []
    for step in steps:
        if step not in unique:
            unique.append(step)
    return unique
