"""Lines a long fixture prints while it works, on the terminal (and in a CI
log) at once: pytest captures a fixture's output and shows it only when a
test fails, so a ten-minute build would look like a hang."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

import pytest


def to_terminal(config: pytest.Config, prefix: str) -> Callable[[str], None]:
    """say(line): write `prefix line` past pytest's capture, on a line of its own."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")

    def say(line: str) -> None:
        text = f"{prefix} {line}"
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            if reporter is None:  # -p no:terminal
                print(text, file=sys.stderr, flush=True)
            else:
                reporter.write_line(text)
                reporter.flush()

    return say
