"""SIGTERM ends a run like Ctrl-C does; cleanup is not cut short by either.

A signal that arrives while a container is being removed is held until the
removal is done and then raised, so the run still ends as interrupted (130)
rather than as whatever the attempt was about to conclude.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled as an interruption (the container is removed)."""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated()


def install_sigterm_handler() -> None:
    """For the whole process (the CLI): SIGTERM raises Terminated, as Ctrl-C raises KeyboardInterrupt."""
    if _main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


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
    then raise the interruption if one came."""
    if not _main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        held.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held:
        raise Terminated() if held[0] == signal.SIGTERM else KeyboardInterrupt()
