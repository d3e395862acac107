"""SIGTERM, SIGHUP and SIGQUIT end any jetllm command as an interruption (a
process-level check: a real process, a real signal)."""

from __future__ import annotations

import signal
import time

import pytest

from tests.support.cli import start_jetllm


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT], ids=lambda s: s.name)
def test_termination_signals_end_any_command_as_interrupted(signum):
    # `jetllm classify -` waits on stdin: a CI job's timeout, or a closed SSH session, ends it.
    process = start_jetllm("classify", "-", stdin=True)
    time.sleep(1.5)  # let it start and block on the read
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
