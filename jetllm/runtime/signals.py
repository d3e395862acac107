"""SIGTERM ends a run like Ctrl-C does; cleanup is not cut short by either.

A signal that arrives while a container is being removed is held until the
removal is done and then raised, so the run still ends as interrupted (130)
rather than as whatever the attempt was about to conclude. A whole run (a
bring-up) takes signals through Interrupts: they raise only inside attempts,
so that the run's report is always written.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled as an interruption (the container is removed)."""


# install_sigterm_handler() ran: this process is the CLI's, and ends with its command.
_whole_process = False


def _interruption(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated()


def install_sigterm_handler() -> None:
    """For the whole process (the CLI): SIGTERM raises Terminated, as Ctrl-C raises KeyboardInterrupt."""
    global _whole_process
    if _main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
        _whole_process = True


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (a KeyboardInterrupt)."""
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while the block runs (removing a container must finish),
    then raise the interruption if one came. A signal ignored before stays ignored."""
    if not _main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        held.append(signum)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, hold)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
    if held:
        raise _interruption(held[0])


class Interrupts:
    """SIGINT/SIGTERM over a whole run (a bring-up), so that its report is always written.

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
        if self._armed:
            self._armed = False  # one interruption per armed block
            raise _interruption(signum)

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
                self.seen = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
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
            for sig in (signal.SIGINT, signal.SIGTERM):
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
    previous = {sig: signal.signal(sig, interrupts.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupts
    finally:
        if not (interrupts.sealed and _whole_process):
            for sig, handler in previous.items():
                signal.signal(sig, handler)
