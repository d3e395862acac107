"""The next step from the figures a backend printed about itself, instead of a blind halving.

After a failed start, the log may say what would fit (classify/figures.yaml):
- vLLM: the largest context its KV cache can hold, or the KV memory needed against
  what is available: the next --max-model-len is that context;
- vLLM: the memory free at start against what --gpu-memory-utilization asked: the
  next fraction is what is free;
- vLLM: the KV memory needed against what is available, where free memory covers the
  difference: the next fraction is the one whose budget holds it (raised_fraction), the
  context kept (a knob whose profile lists the class in up_on is raised, never lowered);
The step is the largest value of the knob at or below the figure (the ladder holds
every multiple of the context resolution between its points). Without a figure the
search bisects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from jetllm.core.ladder import Knob, Value
from jetllm.core.spec import Settings


def figure_target(knob: Knob, settings: Settings, figures: Mapping[str, float]) -> float | None:
    """The value the figures say the knob can take at most; None when they do not say."""
    if knob.name == "max_len":
        asked = settings.max_len
        if "fits_tokens" in figures:
            return figures["fits_tokens"]
        budget, needed = figures.get("kv_budget_bytes"), figures.get("kv_needed_bytes")
        if asked and budget is not None and needed and budget > 0:
            return asked * budget / needed
        return None
    if knob.name == "gpu_util":
        free, total = figures.get("free_bytes"), figures.get("total_bytes")
        if free is not None and total:
            return math.floor(100 * free / total) / 100 - 0.01
    return None


def raised_fraction(settings: Settings, figures: Mapping[str, float], total: int, usable: int) -> float | None:
    """After vLLM's KV cache came short: the --gpu-memory-utilization that covers what it said the
    cache needs (its budget grows with the fraction of `total`), when what is free (`usable`) allows
    it; None when the figures do not say, or free memory does not cover it."""
    asked, budget, needed = settings.gpu_util, figures.get("kv_budget_bytes"), figures.get("kv_needed_bytes")
    if not asked or budget is None or not needed or needed <= budget or total <= 0:
        return None
    target = math.ceil(100 * (asked * total + needed - budget) / total) / 100
    return target if asked < target <= math.floor(100 * usable / total) / 100 else None


def figure_index(knob: Knob, lowest: int, settings: Settings, figures: Mapping[str, float]) -> int | None:
    """The index (above `lowest`, the value that failed) of the largest value at or below the
    figure's target; None when the figures say nothing, or nothing on the ladder is that small."""
    target = figure_target(knob, settings, figures)
    if target is None:
        return None
    for index in range(lowest + 1, len(knob.values)):
        if _num(knob.values[index]) <= target:
            return index
    return None


def _num(value: Value) -> float:
    return float(value) if isinstance(value, (int, float)) else math.inf
