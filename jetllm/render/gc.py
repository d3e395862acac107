"""`jetllm gc`'s terminal view (stdout): each container removed, and each one
left with why and how to remove it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jetllm.core.owner import State
from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

    from jetllm.runtime.gc import Collected, Found


def render(done: Collected, console: Console | None = None) -> None:
    console = console or out()
    if not done.removed:
        console.print("nothing to remove", markup=False)
    for item in done.removed:
        console.print(f"removed {item.name} ({item.backend}, run {item.run}, {item.status}; {item.reason})",
                      markup=False)
    for item in done.left:
        console.print(f"left {item.name} ({item.reason}; {_how_to_remove(item)})", markup=False)


def _how_to_remove(item: Found) -> str:
    if item.state is State.RUNNING:
        return "that run removes it when it ends"
    return f"remove with jetllm gc --run {item.run}" if item.run else f"remove with docker rm -f {item.name}"
