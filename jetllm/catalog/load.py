"""Find and load profiles: shipped ones, the user's profile directory (wins on
a name clash), or a YAML file named directly (`--profile FILE`)."""

from __future__ import annotations

from pathlib import Path

from jetllm.catalog.profile import Profile
from jetllm.core.datafile import read_yaml, shown, validate
from jetllm.core.errors import UsageError


def load_file(path: Path) -> Profile:
    """Load and validate one profile file; any problem is one UsageError line."""
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise UsageError(f"{shown(path)}: a profile is a YAML mapping (name:, images:, ...)")
    document.pop("path", None)
    profile = validate(Profile, {**document, "path": str(path)}, path)
    _check_templates(profile, shown(path))
    _check_volumes(profile, shown(path))
    return profile


def _check_volumes(profile: Profile, shown: str) -> None:
    """No host system path read-write, never Docker's socket (catalog/volumes.py)."""
    from jetllm.catalog.schema import PLATFORMS
    from jetllm.catalog.volumes import check_volume

    fields = [(f"volumes.{n}", v) for n, v in enumerate(profile.volumes)]
    for platform in PLATFORMS:
        for i, variant in enumerate(getattr(profile.images, platform)):
            fields += [(f"images.{platform}.{i}.volumes.{n}", v) for n, v in enumerate(variant.volumes or [])]
    for field, volume in fields:
        check_volume(volume.source, volume.read_only, f"{shown}: field '{field}.source'")


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
    from jetllm.core.resources import profiles_dir, user_profiles_dir

    return [user_profiles_dir(), profiles_dir()]


def _index() -> dict[str, Path]:
    """name -> file; the user's directory first, so it wins."""
    found: dict[str, Path] = {}
    for directory in _directories():
        if directory.is_dir():
            for path in sorted(directory.glob("*.y*ml")):
                found.setdefault(path.name.rsplit(".", 1)[0], path)
    return found


def is_backend(name: str) -> bool:
    """Whether a shipped or user profile has this name."""
    return name in _index()


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
            f"{shown(path_or_none)}: field 'name': '{profile.name}' does not match the file name"
        )
    return profile


def list_profiles() -> list[Profile]:
    """Every profile jetllm knows, by name; a user's profile hides a shipped one."""
    return [load_profile(name) for name in sorted(_index())]
