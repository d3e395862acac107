"""Errors jetllm expects and explains; anything else is a bug."""

from __future__ import annotations

from jetllm.core.exitcodes import ExitCode
from jetllm.core.outcome import INTERNAL_ERROR


class JetllmError(Exception):
    """A failure the user can act on: one line of message, optionally a fix.

    `failure_class` names the cause in the failure-classes vocabulary
    (docker_unavailable, port_in_use, ...) where there is one; it is the
    error's `class` in the --json envelope.
    """

    exit_code: ExitCode = ExitCode.NOT_WORKING
    default_class = "error"

    def __init__(self, message: str, *, fix: str | None = None, failure_class: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.failure_class = failure_class

    @property
    def error_class(self) -> str:
        return self.failure_class or self.default_class


class UsageError(JetllmError):
    """Bad usage or bad input (an unknown backend, an invalid profile, a missing file)."""

    exit_code = ExitCode.USAGE
    default_class = "usage_error"


class NoImageForHost(JetllmError):
    """A backend's profile lists no image this machine can run (no GPU, another
    L4T release, another architecture): the machine's answer, not bad usage.
    Its failure class says which (catalog.platform.no_image_class)."""


class ShippedFileError(JetllmError):
    """A data file that ships with jetllm is malformed: jetllm's own bug, not bad input."""

    default_class = INTERNAL_ERROR

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"internal error: shipped file {path} is malformed: {problem}",
                         fix="reinstall jetllm; if that does not help, report it")
