"""Logs as they come, read in bounded memory.

Input is cut into blocks of whole lines (about 1 MiB of bytes, lines joined by
b"\\n"). A line longer than MAX_LINE bytes keeps its head and tail only: the
cause of a crash is at one end of a progress bar or a dumped tensor, and a
regex over a 10 MB line would cost more than the whole rest of the log.
Bytes stay bytes here; decoding happens per matched line (invalid UTF-8
becomes U+FFFD there), so no input can make the reader fail.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

from jetllm.core.errors import UsageError
from jetllm.core.limits import CLASSIFY_MAX_BYTES, MIB
from jetllm.core.redact import WORD

MAX_LINE = 8192
BLOCK = 1 << 20
_HALF = MAX_LINE // 2
_GAP = b" \xe2\x80\xa6 "  # " … " where the middle of an overlong line was dropped
# The words the cut splits are dropped: a secret's start or end is no less a secret.
_LAST_WORD = re.compile(WORD.encode() + rb"+\Z")
_FIRST_WORD = re.compile(rb"\A" + WORD.encode() + rb"+")


def _joined(head: bytes, tail: bytes) -> bytes:
    return _LAST_WORD.sub(b"", head) + _GAP + _FIRST_WORD.sub(b"", tail)


def cap(line: bytes) -> bytes:
    if len(line) <= MAX_LINE:
        return line
    return _joined(line[:_HALF], line[-_HALF:])


def _capped_block(block: bytes) -> bytes:
    lines = block.split(b"\n")
    if max(map(len, lines)) <= MAX_LINE:
        return block
    return b"\n".join(map(cap, lines))


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Bounded:
    """A stream that cannot be seeked to its end (standard input): more than
    `limit` bytes is bad input, so /dev/zero or an endless pipe ends."""

    def __init__(self, stream: Readable, name: str, limit: int = CLASSIFY_MAX_BYTES) -> None:
        self._stream, self._name, self._limit, self._read = stream, name, limit, 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._stream.read(self._limit + 1 - self._read if size < 0 else size)
        self._read += len(data)
        if self._read > self._limit:
            raise UsageError(f"{self._name}: more than {self._limit // MIB} MiB; save the log to a file "
                             f"(of a file, jetllm classify reads the last {self._limit // MIB} MiB)")
        return data


def check_log_file(path: str) -> str | None:
    """UsageError for a LOG argument jetllm cannot read to its end (a FIFO or
    /dev/zero never ends; open() alone blocks on a FIFO); a note to show when
    only the file's tail is read."""
    if path == "-":
        return None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"no such log file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path} is a directory, not a log file")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path}: not a regular file (a pipe or a device); "
                         f"a stream is read from standard input: jetllm classify - < {path}")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot read {path}: permission denied")
    if info.st_size <= CLASSIFY_MAX_BYTES:
        return None
    return (f"jetllm: {path} is {info.st_size / MIB:.0f} MiB: classifying its last "
            f"{CLASSIFY_MAX_BYTES // MIB} MiB (evidence lines count from there)")


def seek_tail(stream: BinaryIO, limit: int = CLASSIFY_MAX_BYTES) -> int:
    """Position a regular file's stream at its last `limit` bytes; the bytes skipped."""
    size = os.fstat(stream.fileno()).st_size
    if size <= limit:
        return 0
    stream.seek(size - limit)
    return size - limit


def blocks_from_stream(stream: Readable) -> Iterator[bytes]:
    """Blocks of whole lines; together they hold every line of the stream, in order."""
    pending = b""  # the start of a line not yet ended
    long_head: bytes | None = None  # set while inside a line already longer than MAX_LINE
    while chunk := stream.read(BLOCK):
        if long_head is not None:
            newline = chunk.find(b"\n")
            if newline == -1:
                pending = (pending + chunk)[-_HALF:]
                continue
            yield _joined(long_head, (pending + chunk[:newline])[-_HALF:])
            long_head, pending, chunk = None, b"", chunk[newline + 1 :]
            if not chunk:
                continue
        data = pending + chunk
        end = data.rfind(b"\n")
        if end == -1:
            pending = data
        else:
            yield _capped_block(data[:end])
            pending = data[end + 1 :]
        if len(pending) > MAX_LINE:
            long_head, pending = pending[:_HALF], pending[-_HALF:]
    if long_head is not None:
        yield _joined(long_head, pending)
    elif pending:
        yield _capped_block(pending)


def blocks_from_lines(lines: Iterable[str | bytes]) -> Iterator[bytes]:
    """Blocks from an iterable of lines (trailing newlines are dropped)."""
    batch: list[bytes] = []
    size = 0
    for item in lines:
        raw = item if isinstance(item, bytes) else item.encode("utf-8", "replace")
        raw = cap(raw.rstrip(b"\r\n").replace(b"\n", b" "))
        batch.append(raw)
        size += len(raw) + 1
        if size >= BLOCK:
            yield b"\n".join(batch)
            batch, size = [], 0
    if batch:
        yield b"\n".join(batch)
