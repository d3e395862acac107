"""The figures a backend printed about its own memory (figures.yaml): patterns
with named groups, read from a log's lines into numbers, sizes in bytes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import TypeAdapter

from jetllm.core.datafile import problem, read_yaml
from jetllm.core.record import Record

FIGURES_FILE = Path(__file__).with_name("figures.yaml")
UNITS = {"_gib": 1 << 30, "_gb": 1 << 30, "_mib": 1 << 20, "_bytes": 1}  # vLLM's "GB" is GiB


class FigurePattern(Record):
    id: str
    backend: str
    source: str
    pattern: str


@functools.lru_cache(maxsize=1)
def figure_patterns() -> tuple[tuple[FigurePattern, re.Pattern[str]], ...]:
    from pydantic import ValidationError

    entries = read_yaml(FIGURES_FILE, shipped=True)
    try:
        patterns = TypeAdapter(list[FigurePattern]).validate_python(entries)
    except ValidationError as exc:
        raise problem(FIGURES_FILE, str(exc).splitlines()[0], shipped=True) from None
    compiled = []
    for entry in patterns:
        try:
            compiled.append((entry, re.compile(entry.pattern)))
        except re.error as exc:
            raise problem(FIGURES_FILE, f"{entry.id}: pattern: {exc}", shipped=True) from None
    return tuple(compiled)


def _value(name: str, text: str) -> tuple[str, float] | None:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None
    for suffix, scale in UNITS.items():
        if name.endswith(suffix):
            return name.removesuffix(suffix) + "_bytes", number * scale
    return name, number


def read_figures(lines: Iterable[str], backend: str | None = None) -> dict[str, float]:
    """Every figure the lines print; a figure printed more than once keeps its last value,
    except buffer sizes, which add up over devices (llama.cpp prints one line per device)."""
    figures: dict[str, float] = {}
    patterns = [(entry, rx) for entry, rx in figure_patterns() if backend is None or entry.backend == backend]
    for line in lines:
        for entry, rx in patterns:
            found = rx.search(line)
            if found is None:
                continue
            for name, text in found.groupdict().items():
                value = _value(name, text) if text is not None else None
                if value is None:
                    continue
                key, number = value
                if key.endswith("_buffer_bytes") and entry.backend == "llama.cpp":
                    figures[key] = figures.get(key, 0.0) + number
                else:
                    figures[key] = number
    return figures

