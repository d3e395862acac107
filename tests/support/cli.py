"""Run jetllm as a user does: the installed entry point, in a subprocess,
with stdout and stderr kept apart; or, where the process itself does not
matter, in this process (`run_in_process`: the same streams and environment, faster)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


def run_in_process(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> CliResult:
    """`jetllm ARGS` through jetllm.cli.run in this process, as run_jetllm runs it: the
    environment (plain output, 200 columns, then `env`), stdin, stdout, stderr and the
    working directory are set for the call and restored after it."""
    from jetllm.cli import run

    stdout, stderr = io.StringIO(), io.StringIO()
    given = io.TextIOWrapper(io.BytesIO((stdin or "").encode()), encoding="utf-8")
    with _environment(_env(env)), _cwd(cwd):
        saved = sys.stdin, sys.stdout, sys.stderr
        sys.stdin, sys.stdout, sys.stderr = given, stdout, stderr
        try:
            code = run(list(args))
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


@contextmanager
def _environment(wanted: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(wanted)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _cwd(path: Path | None) -> Iterator[None]:
    saved = Path.cwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


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
