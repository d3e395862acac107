"""One module per command; each exposes register(app).

A command module imports only typer and the standard library at load time;
the stage it runs is imported inside the command function.
"""

from __future__ import annotations

from types import ModuleType

from jetllm.commands import (
    bringup,
    classify,
    doctor,
    gc,
    preflight,
    profiles,
    report,
    try_,
)

COMMAND_MODULES: tuple[ModuleType, ...] = (
    doctor,
    classify,
    profiles,
    preflight,
    try_,
    gc,
    bringup,
    report,
)
