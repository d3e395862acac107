"""SIGTERM ends any jetllm command as an interruption (a process-level check:
a real process, a real signal)."""

from __future__ import annotations

import signal
import time

from tests.support.cli import start_jetllm


def test_sigterm_ends_any_command_as_interrupted():
    # `jetllm classify -` waits on stdin: a CI job's timeout kills it with SIGTERM.
    process = start_jetllm("classify", "-", stdin=True)
    time.sleep(1.5)  # let it start and block on the read
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
