"""`jetllm --version` and `--help` load only typer: the stages' libraries are
imported when a command runs. A module-level import in a command module would
add a few hundred milliseconds to every start (bench/startup measures it)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "rich", "docker", "httpx", "yaml", "pynvml")


def test_cli_module_loads_no_stage_library() -> None:
    code = ("import sys, jetllm.cli; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
