"""Following a container's log into a LogTail, from stdout or from a file inside it.

Stdout/stderr come from the daemon's log stream (it ends when the container
stops). A log file inside the container (dustynv's Ollama writes one) is
read with get_archive, which needs nothing in the image and also works once
the container has exited, so the last lines before a crash are never lost.
"""

from __future__ import annotations

import io
import tarfile
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from jetllm.core.limits import LOG_LINE_MAX_BYTES
from jetllm.runtime.logtail import LogTail

if TYPE_CHECKING:
    from docker.models.containers import Container

FILE_POLL_S = 0.2


class _Lines:
    """Split a byte stream into lines; keep the unfinished rest, bounded.

    A line that does not end (a progress bar without newlines, a stream of
    dots) is cut at LOG_LINE_MAX_BYTES, as LogTail cuts every line, so it neither
    grows nor is scanned again with each chunk (a TTY's log comes a byte at a
    time). A carriage return past the cut starts the line over: LogTail keeps
    a progress bar's last redraw."""

    def __init__(self, sink: Callable[[str], None]) -> None:
        self._rest = bytearray()
        self._sink = sink

    def feed(self, chunk: bytes) -> None:
        *done, last = chunk.split(b"\n")
        for part in done:
            self._keep(part)
            self.flush()
        self._keep(last)

    def _keep(self, part: bytes) -> None:
        room = LOG_LINE_MAX_BYTES - len(self._rest)
        if len(part) > room:
            redraw = part.rfind(b"\r")
            if redraw != -1:
                self._rest.clear()
                part, room = part[redraw:], LOG_LINE_MAX_BYTES
        self._rest += part[:room]

    def flush(self) -> None:
        if self._rest:
            self._sink(self._rest.decode("utf-8", "replace"))
            self._rest.clear()


def follow_stdout(container: Container, tail: LogTail, on_line: Callable[[], None]) -> threading.Thread:
    """A daemon thread feeding the container's output to `tail` until it stops."""

    def sink(line: str) -> None:
        tail.add(line)
        on_line()

    def run() -> None:
        lines = _Lines(sink)
        try:
            for chunk in container.logs(stream=True, follow=True, stdout=True, stderr=True):
                lines.feed(chunk)
        except Exception:  # noqa: BLE001 (the container was removed under us)
            pass
        lines.flush()

    thread = threading.Thread(target=run, name="jetllm-logs", daemon=True)
    thread.start()
    return thread


def read_file(container: Container, path: str) -> bytes | None:
    """The file's bytes, or None while it does not exist (yet)."""
    try:
        stream, _stat = container.get_archive(path)
        raw = b"".join(stream)
        with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
            member = archive.next()
            handle = archive.extractfile(member) if member is not None else None
            return handle.read() if handle is not None else None
    except Exception:  # noqa: BLE001 (not there yet, or the container is gone)
        return None


class FileFollower:
    """Polls a log file inside the container; `drain()` reads what is left."""

    def __init__(self, container: Container, path: str, tail: LogTail, on_line: Callable[[], None]):
        self._container, self._path, self._on_line = container, path, on_line
        self._offset = 0
        self._lines = _Lines(self._sink)
        self._tail = tail
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jetllm-logfile", daemon=True)
        self._thread.start()

    def _sink(self, line: str) -> None:
        self._tail.add(line)
        self._on_line()

    def _poll(self) -> None:
        data = read_file(self._container, self._path)
        if data is None:
            return
        with self._lock:
            if len(data) < self._offset:  # rotated or truncated: start over
                self._offset = 0
            self._lines.feed(data[self._offset :])
            self._offset = len(data)

    def _run(self) -> None:
        while not self._stop.wait(FILE_POLL_S):
            self._poll()

    def catch_up(self) -> None:
        """Read what the file holds now; the follower goes on polling."""
        self._poll()

    def drain(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._poll()
        with self._lock:
            self._lines.flush()

    def stop(self) -> None:
        self._stop.set()
