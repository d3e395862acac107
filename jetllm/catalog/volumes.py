"""Host paths a profile may not mount.

Docker's socket gives whoever can reach it root on the host, and a read-only
mount does not stop a client from talking to it: the socket, and any folder
holding it (/, /run, /var/run, /var), is refused always. The host's system
folders and the user's home folder itself are refused read-write; a profile
that marks one read_only: true gets it, with a warning.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePosixPath

from jetllm.core.errors import UsageError

DOCKER_SOCKETS = ("/run/docker.sock", "/var/run/docker.sock")
# The folder itself and everything under it; /lib* covers /lib32, /lib64, /libx32.
SYSTEM_TREES = ("/etc", "/boot", "/dev", "/proc", "/sys", "/usr", "/bin", "/sbin", "/lib*")
_warned: set[tuple[str, str]] = set()


def is_host_path(source: str) -> bool:
    """A host path (not a named volume, not a template jetllm fills later)."""
    return source.startswith(("/", "~")) and "{" not in source


def _forms(source: str) -> list[PurePosixPath]:
    """The path as written (normalised) and as this host resolves it (symlinks)."""
    expanded = os.path.expanduser(source)
    return [PurePosixPath(os.path.normpath(p)) for p in {expanded, os.path.realpath(expanded)}]


def _under(path: PurePosixPath, tree: str) -> bool:
    if tree.endswith("*"):
        return len(path.parts) > 1 and re.fullmatch(re.escape(tree[1:-1]) + r"[^/]*", path.parts[1]) is not None
    return path == PurePosixPath(tree) or PurePosixPath(tree) in path.parents


def _refusal(path: PurePosixPath) -> str | None:
    for socket in map(PurePosixPath, DOCKER_SOCKETS):
        if path == socket or path.name == socket.name:
            return "is Docker's socket, which gives the container root on this host"
        if path in socket.parents:
            return (f"holds Docker's socket ({socket}), which gives the container root on this "
                    "host even mounted read-only")
    return None


def _system(path: PurePosixPath) -> str | None:
    if path == PurePosixPath(os.path.normpath(Path.home())):
        return "is your home folder itself"
    if any(_under(path, tree) for tree in SYSTEM_TREES):
        return "is a host system path"
    return None


def check_volume(source: str, read_only: bool, where: str) -> None:
    """UsageError for a mount no profile may have; a warning line on stderr for a
    system path mounted read-only. `where`: the profile file and field, for the message."""
    if not is_host_path(source):
        return
    for path in _forms(source):
        refused = _refusal(path)
        if refused:
            raise UsageError(f"{where}: '{source}' {refused}; jetllm does not mount it")
    for path in _forms(source):
        system = _system(path)
        if system is None:
            continue
        if not read_only:
            raise UsageError(f"{where}: '{source}' {system}, mounted read-write; mount a folder of its own "
                             "(or mark it read_only: true)")
        if (where, source) not in _warned:
            _warned.add((where, source))
            sys.stderr.write(f"jetllm: warning: {where}: '{source}' {system}; it is mounted read-only\n")
        return
