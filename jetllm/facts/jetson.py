"""Jetson facts: module model, SoC, L4T release (the key), JetPack, power mode.

Sources, in order: /etc/nv_tegra_release (else the nvidia-l4t-core package
version), /proc/device-tree/model and compatible, and `nvpmodel -q`.
"""

from __future__ import annotations

import re
from pathlib import Path

from jetllm.core.facts import JetsonFacts
from jetllm.facts.files import is_real_root, read_text, run_command
from jetllm.knowledge import jetson as soc_table
from jetllm.knowledge import l4t as l4t_table

_RELEASE = re.compile(r"^# R(\d+) \(release\), REVISION: ([0-9.]+)")
_POWER_MODE = re.compile(r"NV Power Mode: (?P<name>\S+)")


def parse_release(text: str) -> str | None:
    """'# R36 (release), REVISION: 4.3, ...' -> '36.4.3'."""
    match = _RELEASE.match(text.strip().splitlines()[0] if text.strip() else "")
    if not match:
        return None
    return l4t_table.normalise(f"{match.group(1)}.{match.group(2)}")


def parse_power_mode(text: str) -> tuple[str | None, int | None]:
    """`nvpmodel -q` output -> (name, id): 'NV Power Mode: 25W' then '1'."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        match = _POWER_MODE.search(line)
        if match:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            return match.group("name"), int(following) if following.isdigit() else None
    return None, None


def probe(root: Path) -> JetsonFacts:
    model_raw, _ = read_text(root, "/proc/device-tree/model")
    compatible_raw, _ = read_text(root, "/proc/device-tree/compatible")
    release_raw, release_error = read_text(root, "/etc/nv_tegra_release")
    model = model_raw.strip("\x00\n ") if model_raw else None
    compatible = [c for c in (compatible_raw or "").split("\x00") if c.strip()]
    soc = compatible[-1].strip() if compatible else None
    tegra = bool(soc and soc.startswith("nvidia,tegra"))

    l4t, source, line, error = None, None, None, None
    if release_raw is not None:
        line = release_raw.strip().splitlines()[0] if release_raw.strip() else ""
        l4t = parse_release(release_raw)
        source = "nv_tegra_release" if l4t else None
        error = None if l4t else f"/etc/nv_tegra_release: unexpected first line {line!r}"
    elif is_real_root(root):
        # jtop's fallback when the release file is missing: the L4T core package.
        version, dpkg_error = run_command(
            ["dpkg-query", "--showformat=${Version}", "--show", "nvidia-l4t-core"]
        )
        if version and version.strip():
            l4t, source = l4t_table.normalise(version), "dpkg"
        else:
            error = f"{release_error}; nvidia-l4t-core: {dpkg_error or 'no version'}"
    else:
        error = release_error

    is_jetson = l4t is not None or tegra
    if not is_jetson:
        return JetsonFacts()

    power_mode, power_mode_id = None, None
    if is_real_root(root):
        output, _ = run_command(["nvpmodel", "-q"])
        if output:
            power_mode, power_mode_id = parse_power_mode(output)

    return JetsonFacts(
        is_jetson=True,
        model=model,
        soc=soc,
        cuda_arch=soc_table.cuda_arch(soc),
        l4t=l4t,
        l4t_source=source,
        jetpack=l4t_table.jetpack_for(l4t) if l4t else None,
        power_mode=power_mode,
        power_mode_id=power_mode_id,
        release_line=line,
        error=None if l4t else error,
    )
