"""SIGTERM is handled like Ctrl-C, and neither cuts a container's removal short."""

from __future__ import annotations

import os
import signal
import time

import pytest

from jetllm.runtime.signals import Terminated, run_interrupts, shielded, sigterm_interrupts
from tests.support.cli import start_jetllm


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


def test_a_signal_ignored_before_cleanup_stays_ignored():
    # A bring-up whose verdict is decided ignores signals; removing a folder of its report
    # (shielded) must not turn one into an interruption after it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with shielded():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    except KeyboardInterrupt:
        pytest.fail("the ignored SIGINT was raised after the cleanup")
    finally:
        signal.signal(signal.SIGINT, previous)


def test_cleanup_without_a_signal_raises_nothing():
    with shielded():
        pass


def test_sigterm_inside_an_attempt_is_an_interruption():
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert signal.getsignal(signal.SIGTERM) is previous


def test_a_run_is_interrupted_only_inside_attempts_and_not_once_sealed():
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    started = []
    with run_interrupts() as interrupts:
        with pytest.raises(Terminated), interrupts.armed():  # an attempt: it stops there
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)  # between attempts: noted, nothing raised
        time.sleep(0.05)
        with pytest.raises(Terminated), interrupts.armed():  # the next attempt does not begin
            started.append("attempt")
        interrupts.seal()
        os.kill(os.getpid(), signal.SIGINT)  # the verdict is decided: ignored
        time.sleep(0.05)
    assert interrupts.seen == signal.SIGTERM and started == []
    assert {sig: signal.getsignal(sig) for sig in previous} == previous


def test_sigterm_ends_any_command_as_interrupted():
    # `jetllm classify -` waits on stdin: a CI job's timeout kills it with SIGTERM.
    process = start_jetllm("classify", "-", stdin=True)
    time.sleep(1.5)  # let it start and block on the read
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
