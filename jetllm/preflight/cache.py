"""A small on-disk cache of what registries said, keyed by manifest digest
(content-addressed, so an entry never goes stale; a tag is re-resolved each time)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jetllm.core.files import atomic_write
from jetllm.core.resources import user_cache_dir


def cache_dir() -> Path:
    """$JETLLM_CACHE_DIR/preflight, else $XDG_CACHE_HOME/jetllm/preflight."""
    return user_cache_dir() / "preflight"


def _path(digest: str) -> Path | None:
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        return None
    return cache_dir() / f"{digest.replace(':', '-')}.json"


def get(digest: str) -> dict[str, Any] | None:
    path = _path(digest)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def put(digest: str, entry: dict[str, Any]) -> None:
    """Write whole or not at all; a cache that cannot be written is no error."""
    path = _path(digest)
    if path is None:
        return
    try:
        atomic_write(path, json.dumps(entry))
    except OSError:
        return
