"""A doctor check: what was found, and the exact fix when it is not a pass."""

from __future__ import annotations

from enum import Enum

from jetllm.core.record import Record
from jetllm.core.units import GIB


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Check(Record):
    id: str  # stable, kebab-case: scripts key on it
    status: Status
    message: str  # one line: what was found
    fix: str | None = None  # the command or setting; None on a pass


def gib(value: int | None) -> str:
    return "unknown" if value is None else f"{value / GIB:.1f} GiB"
