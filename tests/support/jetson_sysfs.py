"""A Jetson host tree with thermal zones and the GPU's devfreq node, as an Orin NX on
JetPack 6 shows them (zone names, the cv* zones offline at -256 C, the GPU's node
17000000.gpu with of_node name "gpu", 918 MHz its max at MAXN): the Orin NX fixture
root copied, with the GPU clock and the temperatures a test asks for."""

from __future__ import annotations

import shutil
from pathlib import Path

ORIN = Path(__file__).resolve().parents[1] / "fixtures" / "hosts" / "orin-nx-r36.4.3"
GPU_MAX_HZ = 918_000_000
ZONES = ("cpu-thermal", "gpu-thermal", "cv0-thermal", "cv1-thermal", "cv2-thermal", "soc0-thermal",
         "soc1-thermal", "soc2-thermal", "tj-thermal")


def jetson_tree(dest: Path, *, gpu_hz: int, temps_c: dict[str, float]) -> Path:
    root = dest / "orin"
    shutil.copytree(ORIN, root, symlinks=True)
    thermal = root / "sys/devices/virtual/thermal"
    for n, zone in enumerate(ZONES):
        folder = thermal / f"thermal_zone{n}"
        folder.mkdir(parents=True)
        (folder / "type").write_text(zone + "\n")
        milli = -256000 if zone.startswith("cv") else int(temps_c.get(zone, 45.0) * 1000)
        (folder / "temp").write_text(f"{milli}\n")
    gpu = root / "sys/class/devfreq/17000000.gpu"
    (gpu / "device/of_node").mkdir(parents=True)
    (gpu / "device/of_node/name").write_bytes(b"gpu\x00")
    (gpu / "cur_freq").write_text(f"{gpu_hz}\n")
    (gpu / "max_freq").write_text(f"{GPU_MAX_HZ}\n")
    other = root / "sys/class/devfreq/15340000.vic"  # not the GPU: passed over
    (other / "device/of_node").mkdir(parents=True)
    (other / "device/of_node/name").write_bytes(b"vic\x00")
    (other / "cur_freq").write_text("115200000\n")
    (other / "max_freq").write_text("729600000\n")
    return root
