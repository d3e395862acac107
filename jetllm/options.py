"""Checks of the option values `try` and `bringup` share: bad usage is one line
and exit 2, before anything runs."""

from __future__ import annotations

import re

from jetllm.errors import UsageError
from jetllm.labels import extra_labels
from jetllm.limits import MAX_WAIT_S
from jetllm.runtime.pull import POLICIES

_MEMORY = re.compile(r"^\d+(\.\d+)?[bkmgBKMG]?$")


def check_gpu_util(value: float | None) -> None:
    if value is not None and not 0 < value <= 1:
        raise UsageError(f"--gpu-util must be in (0, 1], not {value:g}")


def check_at_least(flag: str, value: int | None, least: int) -> None:
    if value is not None and value < least:
        raise UsageError(f"{flag} must be at least {least}, not {value}")


def check_seconds(flag: str, value: float | None) -> None:
    """A wait: more than 0, at most MAX_WAIT_S (nan and inf would wait forever)."""
    if value is not None and not 0 < value <= MAX_WAIT_S:
        raise UsageError(f"{flag} must be more than 0 and at most {MAX_WAIT_S:g} seconds, not {value:g}")


def check_pull(policy: str) -> None:
    if policy not in POLICIES:
        raise UsageError(f"--pull must be one of {', '.join(POLICIES)}, not {policy!r}")


def check_memory(size: str | None) -> None:
    """A docker --memory size: 512m, 8g, 1.5g, or bytes."""
    if size is not None and not _MEMORY.match(size):
        raise UsageError(f"--memory must be a size like 512m or 8g, not {size!r}")


def check_image(image: str | None) -> None:
    """--image names an image (a bad one would otherwise fail only once the attempt runs)."""
    from jetllm.preflight.reference import parse

    if image is None:
        return
    try:
        parse(image)
    except ValueError as bad:
        raise UsageError(f"--image: {bad}") from None


def check_labels() -> None:
    """JETLLM_LABELS, read before anything starts (a bad one would fail every attempt)."""
    try:
        extra_labels()
    except ValueError as bad:
        raise UsageError(str(bad)) from None


def check_model(model: str | None) -> None:
    """A --model that looks like a path is meant as one: not there is bad usage, not a hub id."""
    from jetllm.models.names import exists, looks_like_path

    if model and looks_like_path(model) and not exists(model):
        raise UsageError(f"--model {model}: no such file or folder")
