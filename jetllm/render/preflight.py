"""`jetllm preflight`'s terminal view (stdout): the verdict, then each rule's
finding with its fix, and where the image was read from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.compat import Compatibility, Severity, Source
from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

MARKS = {Severity.BLOCKER: "x ", Severity.WARNING: "! ", Severity.INFO: "ok"}
UNKNOWN = "not known to work: the registry could not be read, so nothing was checked but the tag"
SOURCES = {Source.DAEMON: "the image the local Docker daemon holds (no registry asked, so it works offline; "
                          "whether the tag now names a newer image there was not checked)",
           Source.REGISTRY: "the registry (no layer pulled)"}


def render(image: str, backend: str | None, result: Compatibility, console: Console | None = None) -> None:
    console = console or out()
    verdict = {True: "compatible", False: "incompatible", None: "unknown"}[result.compatible]
    head = f"{image}: {verdict}" + (f" ({result.failure_class.value})" if result.compatible is False else "")
    console.print(head + (f"  [{backend}]" if backend else ""), soft_wrap=True)
    for reason in result.reasons:
        console.print(f"  {MARKS[reason.severity]} {reason.rule}: {reason.message}", soft_wrap=True)
        if reason.fix and reason.severity is not Severity.INFO:
            console.print(f"       fix: {reason.fix}", soft_wrap=True)
    if result.source is not None:
        console.print(f"  read from {SOURCES[result.source]}", soft_wrap=True)
    if result.compatible is None:
        console.print(f"  {UNKNOWN}", soft_wrap=True)
