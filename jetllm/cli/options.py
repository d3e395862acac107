"""The options `try` and `bringup` share, declared once (one flag, one help text),
and their checks: bad usage is one line and exit 2, before anything runs.

Also what one command line's run carries beside its options (`Invocation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jetllm.core.errors import UsageError
from jetllm.core.labels import extra_labels
from jetllm.core.limits import MAX_WAIT_S
from jetllm.core.policy import PULL_POLICIES as POLICIES

if TYPE_CHECKING:
    from jetllm.core.load import LoadPlan

_MEMORY = re.compile(r"^\d+(\.\d+)?[bkmgBKMG]?$")

Model = Annotated[str | None, typer.Option("--model", help="HF id, GGUF path or Ollama tag.")]
Image = Annotated[str | None, typer.Option(
    "--image", help="Use this image instead of the profile's (bringup: with a single backend).")]
GpuUtil = Annotated[float | None, typer.Option(
    "--gpu-util", help="Fraction of GPU memory (0-1]; bringup's search starts here and steps down.")]
MaxLen = Annotated[int | None, typer.Option(
    "--max-len", help="Context length; bringup's search starts here and steps down.")]
Memory = Annotated[str | None, typer.Option("--memory", help="Container memory limit (docker --memory), e.g. 8g.")]
Pull = Annotated[str, typer.Option("--pull", help=f"When to pull the image: {', '.join(POLICIES)}.")]
Facts = Annotated[Path | None, typer.Option(
    "--facts", metavar="FILE", help="Another machine's facts (saved by `jetllm doctor --json`) instead of this one's.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@dataclass(slots=True)
class Invocation:
    """One command line as run: its arguments (a report records them) and --debug,
    kept with the run (Typer's context object), not in the environment children inherit."""

    argv: list[str]
    debug: bool = False


def invocation(ctx: typer.Context) -> Invocation:
    found = ctx.find_object(Invocation)
    return found if found is not None else Invocation(argv=[])


def check_seconds(flag: str, value: float | None) -> None:
    """A wait: more than 0, at most MAX_WAIT_S (nan and inf would wait forever)."""
    if value is not None and not 0 < value <= MAX_WAIT_S:
        raise UsageError(f"{flag} must be more than 0 and at most {MAX_WAIT_S:g} seconds, not {value:g}")


def check_shared(*, model: str | None, image: str | None, gpu_util: float | None, max_len: int | None,
                 memory: str | None, pull: str) -> None:
    """The checks of the options `try` and `bringup` share."""
    check_gpu_util(gpu_util)
    check_at_least("--max-len", max_len, 1)
    check_pull(pull)
    check_memory(memory)
    check_model(model)
    check_image(image)
    check_labels()


def check_gpu_util(value: float | None) -> None:
    if value is not None and not 0 < value <= 1:
        raise UsageError(f"--gpu-util must be in (0, 1], not {value:g}")


def check_at_least(flag: str, value: int | None, least: int) -> None:
    if value is not None and value < least:
        raise UsageError(f"{flag} must be at least {least}, not {value}")


def check_pull(policy: str) -> None:
    if policy not in POLICIES:
        raise UsageError(f"--pull must be one of {', '.join(POLICIES)}, not {policy!r}")


def check_memory(size: str | None) -> None:
    """A docker --memory size: 512m, 8g, 1.5g, or bytes."""
    if size is not None and not _MEMORY.match(size):
        raise UsageError(f"--memory must be a size like 512m or 8g, not {size!r}")


def check_image(image: str | None) -> None:
    """--image names an image (a bad one would otherwise fail only once the attempt runs)."""
    from jetllm.core.reference import parse

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
    from jetllm.modelinfo.names import exists, looks_like_path

    if model and looks_like_path(model) and not exists(model):
        raise UsageError(f"--model {model}: no such file or folder")


ConcurrencySweep = Annotated[str | None, typer.Option(
    "--concurrency-sweep", metavar="LEVELS",
    help="Once it serves, measure latency under load at these concurrencies, e.g. 1,2,4,8.")]
TargetP95 = Annotated[str | None, typer.Option(
    "--target-p95", metavar="DURATION",
    help="The p95 response time to meet, e.g. 3s: the sweep names the largest level that meets it.")]


def load_plan(levels: str | None, target: str | None) -> LoadPlan | None:
    """--concurrency-sweep and --target-p95 as a plan (a target alone sweeps concurrency 1)."""
    from jetllm.core.load import LoadPlan
    from jetllm.search.budget import parse_duration
    from jetllm.smoke.load import parse_levels

    if levels is None and target is None:
        return None
    try:
        parsed = parse_levels(levels) if levels is not None else [1]
    except ValueError as exc:
        raise UsageError(f"--concurrency-sweep: {exc}") from exc
    try:
        seconds = parse_duration(target) if target is not None else None
    except ValueError as exc:
        raise UsageError(f"--target-p95: {exc}") from exc
    return LoadPlan(levels=parsed, target_p95_s=seconds)
