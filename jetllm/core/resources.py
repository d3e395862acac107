"""Where jetllm's shipped data lives: in a source checkout, the top-level
profiles/ folder; in an installed wheel, jetllm/_bundled/."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _shipped(name: str) -> Path:
    bundled = PACKAGE_DIR / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / name


def profiles_dir() -> Path:
    """The profiles that ship with jetllm."""
    return _shipped("profiles")


def user_config_dir() -> Path:
    """$JETLLM_CONFIG_DIR, else $XDG_CONFIG_HOME/jetllm, else ~/.config/jetllm."""
    explicit = os.environ.get("JETLLM_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "jetllm"


def user_profiles_dir() -> Path:
    """Profiles a user adds (same format as the shipped ones); they win on a name clash."""
    return user_config_dir() / "profiles"
