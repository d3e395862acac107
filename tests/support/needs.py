"""What a test does when a real part it needs is missing, and how a test drops
root's privileges to see what an ordinary user sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """Skip locally; in CI (CI set) fail: the tests that need the part must run there."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def as_nobody(command: list[str]) -> list[str]:
    """`command` (run by this Python) run as nobody when the tests run as root
    (root ignores file modes)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux) to drop privileges")
    dropped = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    # An interpreter installed in root's home (pyenv's) cannot start as nobody.
    if subprocess.run([*dropped, sys.executable, "-c", ""], capture_output=True).returncode != 0:
        pytest.skip(f"nobody may not run this Python ({sys.executable}), so no test can drop root here")
    return [*dropped, *command]
