"""YAML files read into records, every problem one line naming the file and the field.

A user's file (a profile) that does not fit is bad input: UsageError, exit 2. A
file that ships with jetllm (its version tables, the classifier's data) that does
not fit is jetllm's own bug: ShippedFileError, exit 1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from jetllm.core.errors import JetllmError, ShippedFileError, UsageError
from jetllm.core.record import field_error
from jetllm.core.resources import PACKAGE_DIR

M = TypeVar("M", bound=BaseModel)


def shown(path: Path) -> str:
    """The path as a user would recognise it: relative to the cwd when under it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def problem(path: Path, text: str, *, shipped: bool) -> JetllmError:
    """The error for a file that does not fit: a user's (exit 2) or a shipped one (exit 1)."""
    if shipped:
        inside = path.resolve().is_relative_to(PACKAGE_DIR.parent)
        return ShippedFileError(str(path.resolve().relative_to(PACKAGE_DIR.parent)) if inside else str(path), text)
    return UsageError(f"{shown(path)}: {text}")


def read_yaml(path: Path, *, shipped: bool = False) -> Any:
    """The document in a YAML file; a file that cannot be read or parsed is one line.
    A user's file is read within the bounds of core/limits.py (core/inputs.py)."""
    import yaml

    if not shipped:
        from jetllm.core.inputs import load_yaml as bounded
        from jetllm.core.limits import PROFILE_MAX_BYTES, PROFILE_MAX_VALUES

        return bounded(path, limit=PROFILE_MAX_BYTES, max_values=PROFILE_MAX_VALUES, name=shown(path))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise problem(path, f"cannot read: {exc.strerror or exc}", shipped=shipped) from None
    except yaml.YAMLError as exc:
        from jetllm.core.inputs import yaml_problem

        raise problem(path, yaml_problem(exc), shipped=shipped) from None


def validate(model: type[M], document: Any, path: Path, *, shipped: bool = False) -> M:
    """`document` (read from `path`) as a `model`; the first problem as one line."""
    from pydantic import ValidationError

    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise problem(path, field_error(exc), shipped=shipped) from None


def load_yaml(path: Path, model: type[M], *, shipped: bool = False) -> M:
    """A YAML file read and validated as `model`."""
    return validate(model, read_yaml(path, shipped=shipped), path, shipped=shipped)
