"""The L4T -> JetPack table (jetllm/data/l4t_jetpack.yaml): loaded, checked, looked up."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jetllm.errors import UsageError
from jetllm.resources import DATA_DIR

TABLE_PATH = DATA_DIR / "l4t_jetpack.yaml"
_L4T_KEY = re.compile(r"^\d+\.\d+\.\d+$")


def load_table(path: Path = TABLE_PATH) -> dict[str, str]:
    """{l4t: jetpack}; a malformed file is a UsageError naming the file and key."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read the L4T table: {exc}") from exc
    entries = document.get("l4t") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise UsageError(f"{path}: expected a non-empty mapping under 'l4t'")
    table: dict[str, str] = {}
    for key, entry in entries.items():
        if not isinstance(key, str) or not _L4T_KEY.match(key):
            raise UsageError(f"{path}: l4t key {key!r} is not a quoted MAJOR.MINOR.PATCH string")
        jetpack = entry.get("jetpack") if isinstance(entry, dict) else None
        if not isinstance(jetpack, str) or not jetpack:
            raise UsageError(f"{path}: l4t.{key}: 'jetpack' must be a non-empty string")
        unknown = set(entry) - {"jetpack", "jetson_containers"}
        if unknown:
            raise UsageError(f"{path}: l4t.{key}: unknown field(s) {sorted(unknown)}")
        table[key] = jetpack
    return table


@lru_cache(maxsize=1)
def _shipped() -> dict[str, str]:
    return load_table()


def jetpack_for(l4t: str) -> str | None:
    """The JetPack release of an L4T release ("36.4.3" -> "6.2"), None if not in the table."""
    return _shipped().get(normalise(l4t))


def normalise(version: str) -> str:
    """"36.4" -> "36.4.0"; "36.4.3-20250107174145" (dpkg) -> "36.4.3"."""
    core = version.strip().split("-")[0].split("+")[0]
    parts = core.split(".")
    while len(parts) < 3:
        parts.append("0")
    return ".".join(parts[:3])
