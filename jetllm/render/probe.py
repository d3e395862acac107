"""`jetllm probe`'s terminal view (stdout): the verdict, the facts the container
showed, each problem with its fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.probe import BLOCKERS, fact_lines
from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.core.probe import ProbeResult


def render(result: ProbeResult | None, *, message: str | None = None, fix: str | None = None,
           console: Console | None = None) -> None:
    console = console or out()
    if result is None:
        console.print(f"not probed: {message}", soft_wrap=True)
        if fix:
            console.print(f"  fix: {fix}", soft_wrap=True)
        return
    took = f" in {result.duration_s:.2f} s" if result.duration_s is not None else ""
    console.print(f"{result.image}: {result.verdict}{took} (GPU handed over: {result.gpu.value})", soft_wrap=True)
    if result.note:
        console.print(f"  {result.note}", soft_wrap=True)
    if result.ran:
        for line in fact_lines(result.facts):
            console.print(f"  {line}", soft_wrap=True)
    for problem in result.problems:
        mark = "x" if problem.failure_class in BLOCKERS else "!"
        console.print(f"  {mark} {problem.failure_class.value}: {problem.message}", soft_wrap=True)
        if problem.fix:
            console.print(f"      fix: {problem.fix}", soft_wrap=True)
