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


def xdg_cache_home() -> Path:
    """$XDG_CACHE_HOME, else ~/.cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def user_cache_dir() -> Path:
    """$JETLLM_CACHE_DIR, else $XDG_CACHE_HOME/jetllm, else ~/.cache/jetllm."""
    explicit = os.environ.get("JETLLM_CACHE_DIR")
    return Path(explicit) if explicit else xdg_cache_home() / "jetllm"


def hf_cache_dir() -> str:
    """Where huggingface_hub keeps models: its own answer (HF_HUB_CACHE, HF_HOME,
    XDG_CACHE_HOME, read once when it is first imported)."""
    from huggingface_hub.constants import HF_HUB_CACHE

    return HF_HUB_CACHE


def user_profiles_dir() -> Path:
    """Profiles a user adds (same format as the shipped ones); they win on a name clash."""
    return user_config_dir() / "profiles"
