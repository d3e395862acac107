"""Jetson thermals and GPU clock from sysfs, read as jetson-stats (jtop) reads them:

- thermal zones: /sys/devices/virtual/thermal/thermal_zone*/type and temp (millidegrees C);
  an unreadable or -256 C zone is offline (jtop's TEMPERATURE_OFFLINE);
- the integrated GPU's clock: the /sys/class/devfreq/* node whose device/of_node/name is a
  Jetson GPU (ga10b Orin, gv11b Xavier, gp10b TX2, gpu Nano), its cur_freq and max_freq in Hz.
  nvpmodel caps max_freq to the power mode's, so below it under load is throttling (thermal
  or power capping, or a governor holding the clock down).

    thermal_sample(Path("/")) -> {"temp_max_c": 61.5, "temp_max_zone": "gpu-thermal", "gpu_freq_hz": ...}
"""

from __future__ import annotations

from pathlib import Path

from jetllm.facts.files import read_text, under

THERMAL = "/sys/devices/virtual/thermal"
DEVFREQ = "/sys/class/devfreq"
GPU_NAMES = frozenset({"ga10b", "gv11b", "gp10b", "gpu"})
OFFLINE_C = -256.0


def _number(root: Path, path: str) -> float | None:
    text, _ = read_text(root, path)
    try:
        return float(text.strip()) if text is not None else None
    except ValueError:
        return None


def temperatures(root: Path) -> dict[str, float]:
    """Zone type -> degrees C, the online zones only."""
    found: dict[str, float] = {}
    for zone in sorted(under(root, THERMAL).glob("thermal_zone*")):
        base = f"{THERMAL}/{zone.name}"
        kind, _ = read_text(root, f"{base}/type")
        milli = _number(root, f"{base}/temp")
        if milli is None or milli / 1000 <= OFFLINE_C:
            continue
        found[(kind or zone.name).strip()] = milli / 1000
    return found


def gpu_clock(root: Path) -> tuple[int | None, int | None]:
    """(cur_freq, max_freq) in Hz of the integrated GPU, else (None, None)."""
    for node in sorted(under(root, DEVFREQ).iterdir()) if under(root, DEVFREQ).is_dir() else []:
        base = f"{DEVFREQ}/{node.name}"
        name, _ = read_text(root, f"{base}/device/of_node/name")
        if name is None or name.strip("\x00\n ") not in GPU_NAMES:
            continue
        cur, top = _number(root, f"{base}/cur_freq"), _number(root, f"{base}/max_freq")
        return (int(cur) if cur is not None else None), (int(top) if top is not None else None)
    return None, None


def thermal_sample(root: Path) -> dict[str, float | int | str | None]:
    """The fields of a soak sample: the hottest zone and the GPU clock against its max."""
    zones = temperatures(root)
    hottest = max(zones, key=lambda k: zones[k]) if zones else None
    cur, top = gpu_clock(root)
    return {"temp_max_c": round(zones[hottest], 1) if hottest else None, "temp_max_zone": hottest,
            "gpu_freq_hz": cur, "gpu_max_freq_hz": top}
