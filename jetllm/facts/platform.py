"""Platform facts: CPU architecture, OS release, kernel."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from jetllm.core.facts import PlatformFacts
from jetllm.facts.files import is_real_root, read_text

_EABI = re.compile(r"EABI: (\w+)")


def _arch(root: Path) -> str:
    # /proc/sys/kernel/arch is what `uname -m` prints, on kernels that have it
    # (6.x; Jetson kernels 5.10/5.15 do not). Under a fixture root without it,
    # the EABI field of /etc/nv_tegra_release names the board's architecture.
    arch, _ = read_text(root, "/proc/sys/kernel/arch")
    if arch and arch.strip():
        return arch.strip()
    if not is_real_root(root):
        release, _ = read_text(root, "/etc/nv_tegra_release")
        match = _EABI.search(release or "")
        if match:
            return match.group(1)
    return os.uname().machine


def probe(root: Path) -> PlatformFacts:
    kernel, _ = read_text(root, "/proc/sys/kernel/osrelease")
    uname = os.uname()
    return PlatformFacts(
        arch=_arch(root),
        os_release=_pretty_name(root),
        kernel=kernel.strip() if kernel else uname.release,
    )


def _pretty_name(root: Path) -> str | None:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        text, _ = read_text(root, path)
        if text is None:
            continue
        fields: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip():
                try:
                    parsed = shlex.split(value)
                except ValueError:
                    parsed = [value]
                fields[key.strip()] = parsed[0] if parsed else ""
        return fields.get("PRETTY_NAME") or fields.get("NAME")
    return None
