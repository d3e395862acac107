"""What a command did, as the CLI reports it: an exit code, the command's
document for --json, and the errors that say why the code is not 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

USAGE_ERROR = "usage_error"
INTERNAL_ERROR = "internal_error"
INTERRUPTED = "interrupted"

@dataclass(frozen=True, slots=True)
class ErrorItem:
    error_class: str
    message: str
    fix: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"class": self.error_class, "message": self.message, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did: its exit code, its document for --json, and why it is not 0."""

    exit_code: int
    data: Any = None
    errors: Sequence[ErrorItem] = field(default_factory=tuple)
