"""SIGTERM is handled like Ctrl-C, and neither cuts a container's removal short
(the process-level check: tests/integration/test_sigterm_command.py)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from jetllm.core.signals import Terminated, shielded, sigterm_interrupts


@pytest.mark.parametrize("signum,raised", [(signal.SIGTERM, Terminated),
                                           (signal.SIGINT, KeyboardInterrupt)])
def test_a_signal_during_cleanup_is_raised_after_it(signum, raised):
    finished = []
    with pytest.raises(raised):
        with shielded():
            os.kill(os.getpid(), signum)
            time.sleep(0.05)  # the handler runs here; nothing is raised yet
            finished.append("removed")
    assert finished == ["removed"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_cleanup_without_a_signal_raises_nothing():
    with shielded():
        pass


def test_sigterm_inside_an_attempt_is_an_interruption():
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert signal.getsignal(signal.SIGTERM) is previous
