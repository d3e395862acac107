"""A stand-in for the NVIDIA container runtime on a private daemon (a system boundary):
like nvidia-container-runtime it wraps runc and edits the container's OCI spec before
`create`, here adding the device nodes a Jetson's runtime hands over (/dev/nvmap,
/dev/nvhost-ctrl-gpu; as character devices 1:3, /dev/null, since this host has no GPU).
Registered as the daemon's `nvidia` runtime, `--runtime nvidia` works as on a Jetson."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

NODES = ("/dev/nvmap", "/dev/nvhost-ctrl-gpu")

_WRAPPER = """#!{python}
import json, os, sys
args = sys.argv[1:]
bundle = None
for i, arg in enumerate(args):
    if arg == "--bundle" and i + 1 < len(args):
        bundle = args[i + 1]
    elif arg.startswith("--bundle="):
        bundle = arg.split("=", 1)[1]
if "create" in args and bundle:
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        spec = json.load(f)
    linux = spec.setdefault("linux", {{}})
    for node in {nodes!r}:
        linux.setdefault("devices", []).append(
            {{"path": node, "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 0, "gid": 0}})
    linux.setdefault("resources", {{}}).setdefault("devices", []).append(
        {{"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"}})
    with open(path, "w") as f:
        json.dump(spec, f)
os.execv({runc!r}, [{runc!r}] + args)
"""


def write_runtime(folder: Path) -> Path:
    runc = shutil.which("runc")
    if runc is None:
        raise RuntimeError("runc not found")
    path = folder / "nvidia-runtime"
    path.write_text(_WRAPPER.format(python=sys.executable, nodes=NODES, runc=runc))
    path.chmod(0o755)
    return path


def daemon_config(folder: Path) -> str:
    """A daemon.json registering the stand-in as the `nvidia` runtime."""
    return json.dumps({"runtimes": {"nvidia": {"path": str(write_runtime(folder))}}}) + "\n"
