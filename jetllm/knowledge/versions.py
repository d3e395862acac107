"""The one version parser: L4T, CUDA and driver versions are dotted integers."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

Version = tuple[int, ...]
_DOTTED = re.compile(r"\d+(?:\.\d+)*", re.ASCII)


def version(text: str) -> Version:
    """"12.9" -> (12, 9); "13.0.1.012" -> (13, 0, 1, 12); ValueError if not dotted integers."""
    if not _DOTTED.fullmatch(text.strip()):
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(part) for part in text.strip().split("."))


def parse(text: str | None) -> Version | None:
    """version(text), or None when there is no text or it is not a version."""
    try:
        return version(text) if text else None
    except ValueError:
        return None


def _checked(text: str) -> str:
    version(text)
    return text


# A version as a data file writes it ("12.9", "575.57.08"): text that version() reads.
VersionText = Annotated[str, AfterValidator(_checked)]


def compare(left: Version, right: Version) -> int:
    """-1, 0 or 1; missing trailing parts count as 0 ("12.9" == "12.9.0")."""
    width = max(len(left), len(right))
    a, b = left + (0,) * (width - len(left)), right + (0,) * (width - len(right))
    return (a > b) - (a < b)
