"""SIGTERM, SIGHUP and SIGQUIT are handled like Ctrl-C, and none cuts a container's
creation or removal short (the process-level check: tests/integration/test_sigterm_command.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from jetllm.core.signals import Terminated, interruptions, run_interrupts, shielded

SIGNALS = [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated),
           (signal.SIGHUP, Terminated), (signal.SIGQUIT, Terminated)]


@pytest.mark.parametrize("signum,raised", SIGNALS, ids=lambda v: getattr(v, "name", ""))
def test_a_signal_during_cleanup_is_raised_after_it(signum, raised):
    before = {sig: signal.getsignal(sig) for sig, _ in SIGNALS}
    finished = []
    with pytest.raises(raised) as caught:
        with shielded():
            os.kill(os.getpid(), signum)
            time.sleep(0.05)  # the handler runs here; nothing is raised yet
            finished.append("removed")
    assert finished == ["removed"]
    assert type(caught.value) is raised
    assert {sig: signal.getsignal(sig) for sig, _ in SIGNALS} == before  # handlers restored


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


def test_a_shield_inside_a_shield_raises_once_at_the_outer_end():
    steps = []
    with pytest.raises(Terminated):
        with shielded():
            with shielded():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
            steps.append("inner done")
    assert steps == ["inner done"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT], ids=lambda s: s.name)
def test_termination_signals_inside_an_attempt_are_an_interruption(signum):
    previous = signal.getsignal(signum)
    with pytest.raises(Terminated) as caught, interruptions():
        os.kill(os.getpid(), signum)
        time.sleep(1)
    assert caught.value.signum == signum
    assert signal.getsignal(signum) is previous


def test_a_signal_ignored_from_the_start_stays_ignored():
    # `nohup jetllm try --keep ... &`: the hangup the user asked to survive is not an interruption.
    code = ("import os, signal, time\n"
            "from jetllm.core.signals import install_handlers, shielded\n"
            "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
            "install_handlers()\n"
            "with shielded():\n"
            "    os.kill(os.getpid(), signal.SIGHUP)\n"
            "    time.sleep(0.05)\n"
            "os.kill(os.getpid(), signal.SIGHUP)\n"
            "time.sleep(0.05)\n"
            "print('still here')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "still here\n"


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
