"""Byte sizes in the binary units jetllm counts and prints."""

from __future__ import annotations

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30


def size(count: int) -> str:
    """"1.5 GiB", "300.0 MiB", "12.0 KiB" or "512 B": in the largest unit the count reaches."""
    for unit, scale in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"
