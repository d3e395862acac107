"""System facts: CPU count, RAM and swap (/proc/meminfo), free disk for the Hugging Face cache.

On a Jetson the GPU has no memory of its own: /proc/meminfo is where its
memory is (MemAvailable), and NvMapMemUsed is what GPU allocations hold now.
A host without /proc/meminfo (a laptop planning a Jetson) is read with psutil.
"""

from __future__ import annotations

import os
from pathlib import Path

from jetllm.core.facts import SystemFacts
from jetllm.core.resources import hf_cache_dir
from jetllm.facts.files import free_bytes, is_real_root, read_text


def parse_meminfo(text: str) -> dict[str, int]:
    """'MemTotal:  15655428 kB' lines -> {'MemTotal': bytes}."""
    values: dict[str, int] = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        fields = rest.split()
        if not sep or not fields or not fields[0].isdigit():
            continue
        scale = 1024 if len(fields) > 1 and fields[1].lower() == "kb" else 1
        values[key.strip()] = int(fields[0]) * scale
    return values


def psutil_memory() -> dict[str, int]:
    """The /proc/meminfo fields jetllm reads, as psutil gives them on any OS."""
    import psutil

    memory, swap = psutil.virtual_memory(), psutil.swap_memory()
    return {"MemTotal": memory.total, "MemAvailable": memory.available,
            "SwapTotal": swap.total, "SwapFree": swap.free}


def _memory(root: Path) -> tuple[dict[str, int], str | None]:
    """The memory fields, and why they could not be read. A fixture root without
    /proc/meminfo has none: psutil would describe this machine, not the fixture."""
    text, error = read_text(root, "/proc/meminfo")
    if text:
        return parse_meminfo(text), None
    if not is_real_root(root):
        return {}, error
    try:
        return psutil_memory(), None
    except (OSError, RuntimeError) as exc:
        return {}, f"{error}; psutil: {exc}"


def _cpu_count(root: Path) -> int | None:
    online, _ = read_text(root, "/sys/devices/system/cpu/online")
    if online:
        count = 0
        for part in online.strip().split(","):
            low, _, high = part.partition("-")
            if low.isdigit() and (not high or high.isdigit()):
                count += int(high) - int(low) + 1 if high else 1
        if count:
            return count
    return os.cpu_count()


def probe(root: Path) -> SystemFacts:
    memory, meminfo_error = _memory(root)
    cache = hf_cache_dir()
    free, _, free_error = free_bytes(cache)
    return SystemFacts(
        cpu_count=_cpu_count(root),
        memory_total_bytes=memory.get("MemTotal"),
        memory_available_bytes=memory.get("MemAvailable"),
        swap_total_bytes=memory.get("SwapTotal"),
        swap_free_bytes=memory.get("SwapFree"),
        nvmap_used_bytes=memory.get("NvMapMemUsed"),
        hf_cache_dir=cache,
        hf_cache_free_bytes=free,
        hf_cache_free_error=free_error,
        meminfo_error=meminfo_error,
    )
