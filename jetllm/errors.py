"""Errors jetllm expects and explains; anything else is a bug."""

from __future__ import annotations

from jetllm.exitcodes import ExitCode


class JetllmError(Exception):
    """A failure the user can act on: one line of message, optionally a fix."""

    exit_code: ExitCode = ExitCode.NOT_WORKING

    def __init__(self, message: str, *, fix: str | None = None, failure_class: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.failure_class = failure_class  # a FailureClass value ("port_in_use") when it is a finding


class UsageError(JetllmError):
    """Bad usage or bad input (an unknown backend, an invalid profile, a missing file)."""

    exit_code = ExitCode.USAGE


class NoImageForHost(JetllmError):
    """A backend's profile lists no image this machine can run (no GPU, another
    L4T release, another architecture): the machine's answer, not bad usage."""
