"""Find and load profiles: shipped ones, the user's profile directory (wins on
a name clash), or a YAML file named directly (`--profile FILE`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from jetllm.catalog.profile import Profile
from jetllm.errors import UsageError

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


def _shown(path: Path) -> str:
    """The path as a user would recognise it: relative to the cwd when under it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def _describe(error: ErrorDetails) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    elif error.get("type") == "missing":
        message = "required field is missing"
    return f"field '{location}': {message}" if location else message


def load_file(path: Path) -> Profile:
    """Load and validate one profile file; any problem is one UsageError line."""
    from pydantic import ValidationError

    from jetllm.inputs import load_yaml
    from jetllm.limits import PROFILE_MAX_BYTES, PROFILE_MAX_VALUES

    shown = _shown(path)
    document = load_yaml(path, limit=PROFILE_MAX_BYTES, max_values=PROFILE_MAX_VALUES, name=shown)
    if not isinstance(document, dict):
        raise UsageError(f"{shown}: a profile is a YAML mapping (name:, images:, ...)")
    document.pop("path", None)
    try:
        profile = Profile.model_validate({**document, "path": str(path)})
    except ValidationError as exc:
        raise UsageError(f"{shown}: {_describe(exc.errors()[0])}") from None
    _check_templates(profile, shown)
    return profile


def _check_templates(profile: Profile, shown: str) -> None:
    from jetllm.catalog.render import TEMPLATE_VARS
    from jetllm.catalog.templates import names

    known = set(TEMPLATE_VARS) | set(profile.knobs)
    texts: list[tuple[str, str]] = [("served_model", profile.served_model)]
    for index, item in enumerate(profile.command):
        for part in [item] if isinstance(item, str) else item:
            texts.append((f"command.{index}", part))
    texts += [(f"env.{key}", value) for key, value in profile.env.items()]
    for field, text in texts:
        for name in names(text):
            if name not in known:
                raise UsageError(f"{shown}: field '{field}': unknown knob '{{{name}}}'")


def _directories() -> list[Path]:
    from jetllm.resources import profiles_dir, user_profiles_dir

    return [user_profiles_dir(), profiles_dir()]


def _index() -> dict[str, Path]:
    """name -> file; the user's directory first, so it wins."""
    found: dict[str, Path] = {}
    for directory in _directories():
        if directory.is_dir():
            for path in sorted(directory.glob("*.y*ml")):
                found.setdefault(path.name.rsplit(".", 1)[0], path)
    return found


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.endswith((".yaml", ".yml")) or text.startswith(".")


def load_profile(name_or_path: str) -> Profile:
    """A shipped or user profile by name, or a profile file by path."""
    if _looks_like_path(name_or_path):
        path = Path(name_or_path).expanduser()
        if not path.exists():
            raise UsageError(f"{name_or_path}: no such profile file")
        return load_file(path)
    index = _index()
    path_or_none = index.get(name_or_path)
    if path_or_none is None:
        known = ", ".join(sorted(index)) or "none"
        raise UsageError(f"unknown backend '{name_or_path}' (known: {known}; or --profile FILE)")
    profile = load_file(path_or_none)
    if profile.name != name_or_path:
        raise UsageError(
            f"{_shown(path_or_none)}: field 'name': '{profile.name}' does not match the file name"
        )
    return profile


def list_profiles() -> list[Profile]:
    """Every profile jetllm knows, by name; a user's profile hides a shipped one."""
    return [load_profile(name) for name in sorted(_index())]
