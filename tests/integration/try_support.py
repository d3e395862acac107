"""Helpers for the `jetllm try` and `jetllm gc` integration tests."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import yaml

from jetllm.core import labels

FIXTURE_PROFILE = Path(__file__).resolve().parents[1] / "fixtures" / "backends" / "fakellm.yaml"


def write_profile(tmp_path: Path, *, knobs: dict[str, Any] | None = None,
                  args: list[Any] | None = None, ready: dict[str, Any] | None = None,
                  port: int | None = None, extra: dict[str, Any] | None = None) -> tuple[Path, str]:
    """A variant of the fakellm profile with a unique name (the backend label); (path, name).
    `extra` sets further top-level profile fields."""
    profile = yaml.safe_load(FIXTURE_PROFILE.read_text())
    name = f"fakellm-{uuid.uuid4().hex[:8]}"
    profile["name"] = name
    for knob, default in (knobs or {}).items():
        profile["knobs"].setdefault(knob, {})["default"] = default
    profile["command"] += args or []
    profile["ready"].update(ready or {})
    if port is not None:
        profile["port"] = port
    profile.update(extra or {})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(profile))
    return path, name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def containers_of(client: Any, *, backend: str | None = None, run: str | None = None) -> list[Any]:
    wanted = [f"{labels.MANAGED}=1"]
    if backend:
        wanted.append(f"{labels.BACKEND}={backend}")
    if run:
        wanted.append(f"{labels.RUN}={run}")
    return list(client.containers.list(all=True, filters={"label": wanted}))


def read_until(process: Any, marker: str) -> None:
    """Read a background jetllm's progress on stderr until `marker` shows (the attempt
    is in that phase)."""
    seen = []
    while True:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"jetllm ended before {marker!r}: {''.join(seen)}")
        seen.append(line)
        if marker in line:
            return

