"""Run jetllm as a user does: the installed entry point, in a subprocess,
with stdout and stderr kept apart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The whole JSON document on stdout (the envelope, with --json)."""
        return json.loads(self.stdout)

    def data(self) -> Any:
        """The command's own document: the envelope's `data`."""
        document = self.json()
        return document["data"] if "jetllm_json_version" in document else document

    def errors(self) -> list[dict[str, Any]]:
        """The envelope's errors: [{"class", "message", "fix"}, ...]."""
        errors: list[dict[str, Any]] = self.json().get("errors", [])
        return errors


def jetllm_command() -> list[str]:
    return [sys.executable, "-m", "jetllm"]


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    """This environment, plain output at a fixed width, then the test's own variables."""
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(extra or {})}


def run_jetllm(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 300,
    cwd: Path | None = None,
) -> CliResult:
    """Run `jetllm ARGS`; `env` is added to (and overrides) the current environment."""
    done = subprocess.run(
        [*jetllm_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(env),
        timeout=timeout,
        cwd=cwd,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def start_jetllm(*args: str, env: dict[str, str] | None = None,
                 stdin: bool = False) -> subprocess.Popen[str]:
    """Start `jetllm ARGS` in the background (for Ctrl-C tests: send SIGINT);
    with stdin=True its stdin is a pipe left open."""
    return subprocess.Popen(
        [*jetllm_command(), *args],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(env),
    )


def interrupt(process: subprocess.Popen[str], timeout: float = 60) -> CliResult:
    """Send SIGINT as Ctrl-C does and wait for the process to finish."""
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=timeout)
    return CliResult(process.returncode, stdout, stderr)
