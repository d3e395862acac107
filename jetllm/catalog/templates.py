"""Fill profile templates ("{max_len}") from knob values; an argument group or
env var that names an unset knob is dropped, so a profile states each flag once
and the backend keeps its own default for what the user did not set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jetllm.core.errors import UsageError

_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class _Unset(Exception):
    pass


def _fill(template: str, values: Mapping[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise UsageError(f"template {template!r} names unknown knob {name!r}")
        value = values[name]
        if value is None:
            raise _Unset(name)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return _FIELD.sub(one, template)


def fill(template: str, values: Mapping[str, Any]) -> str | None:
    """The filled template, or None if it names an unset knob."""
    try:
        return _fill(template, values)
    except _Unset:
        return None


def fill_command(items: list[str | list[str]], values: Mapping[str, Any]) -> list[str]:
    argv: list[str] = []
    for item in items:
        group = [item] if isinstance(item, str) else item
        filled = [fill(part, values) for part in group]
        if all(part is not None for part in filled):
            argv.extend(part for part in filled if part is not None)
    return argv


def fill_env(env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, str]:
    filled = {key: fill(value, values) for key, value in env.items()}
    return {key: value for key, value in filled.items() if value is not None}


def names(template: str) -> list[str]:
    return _FIELD.findall(template)
