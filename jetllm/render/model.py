"""`jetllm model inspect` in the terminal, from the same document --json prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from jetllm.core.units import size
from jetllm.render.console import out

if TYPE_CHECKING:
    from rich.console import Console

FIGURES = (("format", "format"), ("dtype", "dtype / quant"), ("quant_bits", "bits"), ("group_size", "group size"),
           ("parameters", "parameters"), ("weight_bytes", "weights"), ("layers", "layers"), ("kv_heads", "KV heads"),
           ("head_dim", "head dim"), ("sliding_window", "sliding window"), ("max_context", "max context"))


def _figure(key: str, value: Any) -> str:
    if key == "weight_bytes":
        return size(int(value))
    if key == "parameters":
        return f"{value / 1e9:.2f} B" if value >= 1e8 else f"{value / 1e6:.2f} M"
    return str(value)


def render(document: dict[str, Any], console: Console | None = None) -> None:
    console = console or out()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("model", f"{document['model']} ({document['kind']})")
    shape = document.get("shape") or {}
    if shape:
        grid.add_row("source", shape["source"])
    for key, label in FIGURES:
        if shape.get(key) is not None:
            grid.add_row(label, _figure(key, shape[key]))
    for dtype, count in document.get("kv_bytes_per_token", {}).items():
        grid.add_row(f"KV per token ({dtype})", size(count))
    if document.get("note"):
        grid.add_row("note", document["note"])
    memory = document.get("memory")
    if memory:
        grid.add_row("usable memory", f"{size(memory['usable_bytes'])} of {size(memory['total_bytes'])}: {memory['how']}")
    console.print(grid)
    fits = document.get("fits") or []
    if not fits:
        return
    table = Table(title="largest context per sequence that fits", title_justify="left")
    counts = sorted({row["sequences"] for row in fits})
    table.add_column("backend")
    for count in counts:
        table.add_column(f"{count} seq", justify="right")
    for backend in dict.fromkeys(row["backend"] for row in fits):
        cells = []
        for count in counts:
            row = next(r for r in fits if r["backend"] == backend and r["sequences"] == count)
            cells.append(f"{row['context']:,}" if row["context"] else "does not fit")
        table.add_row(backend, *cells)
    console.print(table)
