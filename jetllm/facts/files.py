"""Reading host files under a root that tests can point at a fixture tree.

Every probe reads /etc, /proc and /sys through these helpers, so
JETLLM_HOST_ROOT (or probe_host(root=...)) makes a laptop look like a Jetson.
Commands (nvpmodel, dpkg-query) describe the machine itself, so probes run
them only when the root is "/".
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

COMMAND_TIMEOUT_S = 3.0


def under(root: Path, path: str) -> Path:
    """`path` (absolute, as on the host) inside `root`."""
    return root / path.lstrip("/")


def read_text(root: Path, path: str) -> tuple[str | None, str | None]:
    """(text, None), or (None, why it could not be read)."""
    target = under(root, path)
    try:
        return target.read_bytes().decode("utf-8", errors="replace"), None
    except FileNotFoundError:
        return None, f"{path} not found"
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"


def is_real_root(root: Path) -> bool:
    return root.resolve() == Path("/")


def run_command(args: list[str]) -> tuple[str | None, str | None]:
    """(stdout, None) when the tool exists and succeeds within a short timeout."""
    if shutil.which(args[0]) is None:
        return None, f"{args[0]} not installed"
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{args[0]}: {exc}"
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return None, f"{args[0]} exited {done.returncode}" + (f": {detail[-1]}" if detail else "")
    return done.stdout, None


def free_bytes(path: str) -> tuple[int | None, str | None, str | None]:
    """Free bytes (for an unprivileged user) on the filesystem that holds `path`.

    A cache directory that does not exist yet will be created on the filesystem
    of its nearest existing parent, so that is the one measured. Returns
    (bytes, the directory measured, error).
    """
    candidate = Path(path)
    while not candidate.exists() and candidate != candidate.parent:
        candidate = candidate.parent
    import psutil

    try:
        usage = psutil.disk_usage(str(candidate))
    except OSError as exc:
        return None, None, f"{candidate}: {exc.strerror or exc}"
    return usage.free, str(candidate), None
