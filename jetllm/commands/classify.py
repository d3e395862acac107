"""`jetllm classify`: not built yet."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Nothing registered until the command is built."""
