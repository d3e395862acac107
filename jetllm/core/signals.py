"""SIGTERM, SIGHUP and SIGQUIT end a run like Ctrl-C does; cleanup is not cut short.

A `kill`, a CI job's timeout, a closed terminal or SSH session (SIGHUP) and
Ctrl-\\ (SIGQUIT) all raise an interruption (KeyboardInterrupt, or Terminated
for the last three), so the container is removed and the run exits 130.

A signal that arrives while a container is being created or removed is held
until that is done and then raised, so what the daemon created is always
known and removed, and the run still ends as interrupted (130) rather than as
whatever the attempt was about to conclude. One handler serves all four
signals: while a shield is up it only records them, so entering a shield
swaps no handler (in the CLI, where the handler is installed for the whole
process). A signal ignored when jetllm starts (`nohup`, a background job's
SIGINT) stays ignored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

# Signals that came while a shield was up; None while no shield is up.
_held: list[int] | None = None
_process_wide = False  # install_handlers() ran: this process is the CLI


class Terminated(KeyboardInterrupt):
    """SIGTERM, SIGHUP or SIGQUIT arrived: handled as an interruption (the container is removed)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _interruption(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if _held is not None:
        _held.append(signum)
        return
    raise _interruption(signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _take_over(replaced: dict[int, Any]) -> None:
    """Put _on_signal on every signal not ignored and not already ours; `replaced` gets
    what it replaced (as it goes: a signal may end this half way)."""
    for sig in SIGNALS:
        current = signal.getsignal(sig)
        if current is not signal.SIG_IGN and current is not _on_signal:
            replaced[sig] = current
            signal.signal(sig, _on_signal)


def _give_back(replaced: dict[int, Any]) -> None:
    for sig, handler in replaced.items():
        signal.signal(sig, handler)


def install_handlers() -> None:
    """For the whole process (the CLI): SIGTERM, SIGHUP and SIGQUIT raise Terminated, as
    Ctrl-C raises KeyboardInterrupt."""
    global _process_wide
    if _main_thread():
        _take_over({})
        _process_wide = True


def finishing() -> None:
    """The CLI's command has its outcome, and nothing is left to clean up: from here the four
    signals are ignored. Else one landing while the result is written would cut it short, or
    (Python restores the default actions as it exits) end the process as killed by it."""
    if _process_wide and _main_thread():
        for sig in SIGNALS:
            if signal.getsignal(sig) is _on_signal:
                signal.signal(sig, signal.SIG_IGN)


@contextmanager
def interruptions() -> Iterator[None]:
    """Within the block, the four signals raise an interruption (a KeyboardInterrupt)."""
    if not _main_thread():
        yield
        return
    replaced: dict[int, Any] = {}
    try:
        _take_over(replaced)
        yield
    finally:
        _give_back(replaced)


@contextmanager
def shielded() -> Iterator[None]:
    """Hold the four signals while the block runs (creating or removing a container must
    finish), then raise the interruption if one came. A shield inside a shield is the outer one."""
    global _held
    if not _main_thread() or _held is not None:
        yield
        return
    replaced: dict[int, Any] = {}
    try:
        _held = []  # from here on the handler only records (where it is installed)
        _take_over(replaced)
        yield
    finally:
        _give_back(replaced)
        came, _held = _held, None
    if came:
        raise _interruption(came[0])
