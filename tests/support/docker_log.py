"""Docker's own clock: the RFC 3339 timestamps of `docker logs --timestamps`
and of a container's State.StartedAt (nanoseconds; datetime takes microseconds)."""

from __future__ import annotations

import re
from datetime import datetime

_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)")


def docker_time(stamp: str) -> datetime:
    match = _STAMP.match(stamp)
    if not match:
        raise ValueError(f"not a Docker timestamp: {stamp!r}")
    whole, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{whole}.{micro}{'+00:00' if zone == 'Z' else zone}")


def stamped_lines(logs: bytes) -> list[tuple[datetime, str]]:
    """(the daemon's receive time, text) for each line of `docker logs --timestamps`."""
    lines = []
    for line in logs.decode("utf-8", "replace").splitlines():
        stamp, _, text = line.partition(" ")
        lines.append((docker_time(stamp), text))
    return lines
