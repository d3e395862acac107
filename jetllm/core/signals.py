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

A whole run (a bring-up) takes signals through Interrupts: they raise only
inside attempts and preflight, so that the run's report is always written.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, ParamSpec, TypeVar

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
P = ParamSpec("P")
R = TypeVar("R")

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
    """Put the replaced handlers back with the four signals blocked: one that comes
    meanwhile waits (in the kernel) for the handler it finds once all are back, so a
    handler that raises cannot cut the bookkeeping short half way."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        for sig, handler in replaced.items():
            signal.signal(sig, handler)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


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
        for sig in SIGNALS:  # whatever handler a stage left: nothing is left to interrupt
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
        came = _held or []
        try:
            _give_back(replaced)
        finally:
            _held = None
    if came:
        raise _interruption(came[0])


class Interrupts:
    """The four signals over a whole run (a bring-up), so that its report is always written.

    Inside `armed()` (an attempt, a preflight) a signal raises as usual: the attempt
    removes its container and the search records the interruption. Elsewhere (between
    attempts, building the report) it is only noted in `seen`: the next armed() raises
    at once, and the run reports itself interrupted. After `seal()` (the verdict is
    decided) signals are ignored while the report is written and printed.
    """

    def __init__(self) -> None:
        self.seen: int | None = None  # the first signal that came
        self._armed = False
        self._sealed = False

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        if self._sealed:
            return
        if self.seen is None:
            self.seen = signum
        if self._armed and _held is None:
            self._armed = False  # one interruption per armed block
            raise _interruption(signum)
        if _held is not None:  # a shield inside the armed block: raised when it ends
            _held.append(signum)

    @property
    def sealed(self) -> bool:
        return self._sealed

    @contextmanager
    def armed(self) -> Iterator[None]:
        """A block a signal may interrupt; one noted before it interrupts it at once."""
        if self.seen is not None:
            raise _interruption(self.seen)
        self._armed = True
        try:
            yield
        except KeyboardInterrupt as exc:  # also one raised by a handler the block installed itself
            if self.seen is None:
                self.seen = getattr(exc, "signum", signal.SIGINT)
            raise
        finally:
            self._armed = False

    def guard(self, fn: Callable[P, R]) -> Callable[P, R]:
        """`fn`, armed while it runs."""

        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            with self.armed():
                return fn(*args, **kwargs)

        return guarded

    def seal(self) -> None:
        self._sealed = True
        if _main_thread():
            for sig in SIGNALS:
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    signal.signal(sig, signal.SIG_IGN)


@contextmanager
def run_interrupts() -> Iterator[Interrupts]:
    """Interrupts for the block (a whole run). On leaving it the previous handlers come
    back, except in the CLI's process once sealed: it only prints and exits then, and a
    late signal must not cut that short (Python's own exit would restore the default
    handlers, which kill)."""
    interrupts = Interrupts()
    if not _main_thread():
        yield interrupts
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(sig, interrupts.handle)
    try:
        yield interrupts
    finally:
        if not (interrupts.sealed and _process_wide):
            _give_back({sig: handler for sig, handler in previous.items() if handler is not None})
