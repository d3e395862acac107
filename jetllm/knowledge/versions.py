"""The one version parser: L4T, CUDA and driver versions are dotted integers."""

from __future__ import annotations

Version = tuple[int, ...]


def version(text: str) -> Version:
    """"12.9" -> (12, 9); "13.0.1.012" -> (13, 0, 1, 12); ValueError if not numeric."""
    return tuple(int(part) for part in text.strip().split("."))


def compare(left: Version, right: Version) -> int:
    """-1, 0 or 1; missing trailing parts count as 0 ("12.9" == "12.9.0")."""
    width = max(len(left), len(right))
    a, b = left + (0,) * (width - len(left)), right + (0,) * (width - len(right))
    return (a > b) - (a < b)
