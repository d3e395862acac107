"""The failure classifier: a log and an exit state in, one Diagnosis out.

    classify_file("vllm.log", exit_state=ExitState(exit_code=137, oom_killed=True))
    classify_lines(container.logs(stream=True), backend="ollama", jetson=True)
    diagnosis_for(FailureClass.DRIVER_TOO_OLD, cause="image needs CUDA 12.9", jetson=True)

Signatures are data (signatures/*.yaml, documented in signatures/README.md);
class texts and defaults are in classes.yaml. See decide.py for precedence.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from jetllm.core.diagnosis import Diagnosis, Evidence, ExitState, FailureClass, RetrySmaller

__all__ = [
    "Diagnosis", "Evidence", "ExitState", "FailureClass", "RetrySmaller",
    "classify_blocks", "classify_file", "classify_lines", "classify_text", "diagnosis_for",
]  # fmt: skip


def classify_blocks(
    blocks: Iterable[bytes],
    *,
    exit_state: ExitState | None = None,
    backend: str | None = None,
    jetson: bool = False,
) -> Diagnosis:
    from jetllm.classify.catalog import default_catalog
    from jetllm.classify.decide import decide
    from jetllm.classify.scan import scan

    catalog = default_catalog()
    hits = scan(blocks, catalog)
    return decide(hits, exit_state, catalog, backend=backend, jetson=jetson)


def classify_lines(
    lines: Iterable[str | bytes],
    *,
    exit_state: ExitState | None = None,
    backend: str | None = None,
    jetson: bool = False,
) -> Diagnosis:
    """Classify a stream of lines (str or bytes, with or without newlines)."""
    from jetllm.classify.reader import blocks_from_lines

    return classify_blocks(blocks_from_lines(lines), exit_state=exit_state, backend=backend, jetson=jetson)


def classify_text(
    text: str | bytes,
    *,
    exit_state: ExitState | None = None,
    backend: str | None = None,
    jetson: bool = False,
) -> Diagnosis:
    import io

    from jetllm.classify.reader import blocks_from_stream

    raw = text.encode("utf-8", "replace") if isinstance(text, str) else text
    blocks = blocks_from_stream(io.BytesIO(raw))
    return classify_blocks(blocks, exit_state=exit_state, backend=backend, jetson=jetson)


def _file_blocks(path: str | Path) -> Iterator[bytes]:
    from jetllm.classify.reader import Bounded, blocks_from_stream, seek_tail

    if str(path) == "-":
        yield from blocks_from_stream(Bounded(sys.stdin.buffer, "standard input"))
        return
    with open(path, "rb") as stream:
        seek_tail(stream)  # a failed start ends its log with its cause
        yield from blocks_from_stream(stream)


def classify_file(
    path: str | Path,
    *,
    exit_state: ExitState | None = None,
    backend: str | None = None,
    jetson: bool = False,
) -> Diagnosis:
    """Classify a log file (its last CLASSIFY_MAX_BYTES), or standard input for '-'
    (UsageError past CLASSIFY_MAX_BYTES). OSError propagates to the caller."""
    return classify_blocks(_file_blocks(path), exit_state=exit_state, backend=backend, jetson=jetson)


def diagnosis_for(
    failure_class: FailureClass,
    *,
    cause: str | None = None,
    evidence: Iterable[Evidence] = (),
    jetson: bool = False,
    retry_smaller: RetrySmaller | None = None,
    fix: str | None = None,
) -> Diagnosis:
    """A Diagnosis for a class decided elsewhere, with the class's default texts."""
    from jetllm.classify.catalog import default_catalog
    from jetllm.classify.decide import build

    return build(default_catalog(), FailureClass(failure_class), cause=cause, evidence=evidence,
                 jetson=jetson, retry_smaller=retry_smaller, fix=fix)  # fmt: skip
