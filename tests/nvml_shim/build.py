"""Build the NVML shim: `python -m tests.nvml_shim.build OUT_DIR` writes OUT_DIR/libnvidia-ml.so.1.

Tests put OUT_DIR on LD_LIBRARY_PATH, so pynvml finds the shim by its normal
search (CDLL("libnvidia-ml.so.1")) and plays the machine described in the file
named by $JETLLM_NVML_SHIM_DEVICE (see nvml_shim.c and devices/).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "nvml_shim.c"
DEVICES = HERE / "devices"
LIBRARY_NAME = "libnvidia-ml.so.1"
DEVICE_ENV = "JETLLM_NVML_SHIM_DEVICE"


def build(out_dir: Path) -> Path:
    """Compile the shim into out_dir (reused when newer than its source)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    library = out_dir / LIBRARY_NAME
    if library.exists() and library.stat().st_mtime >= SOURCE.stat().st_mtime:
        return library
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("no C compiler (cc/gcc) to build the NVML shim; install build-essential")
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O2", "-Wall", "-Werror",
         f"-Wl,-soname,{LIBRARY_NAME}", "-o", str(library), str(SOURCE)],
        check=True,
    )
    return library


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/nvml_shim")))
