"""L4T releases: the L4T -> JetPack table (data/l4t_jetpack.yaml), release
numbers read from image tags and labels, and which image runs on which host.

The rule is jetson-containers' l4t_version_compatible() (reference.md 2.1):
on r35 any r35.x image runs; on r36 a host older than 36.4 runs only images
older than 36.4, and a host at 36.4 or later only images at 36.4 or later;
otherwise the major release must match (an r35 image does not run on r36).
"""


from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from jetllm.core.datafile import load_yaml
from jetllm.core.record import Record
from jetllm.core.reference import parse as parse_reference
from jetllm.knowledge import DATA_DIR, versions

# dustynv/vllm:0.8.6-r36.4-cu128-24.04, dustynv/ollama:r36.4.0, ...:r38.2-arm64-sbsa
_TAG_L4T = re.compile(r"(?:^|[-_:])r(\d{2})\.(\d+)(?:\.(\d+))?(?=$|[-_.])")
# The labels that carry it where a tag does not (jetson-containers, NGC l4t-base).
L4T_LABELS = ("l4t.version", "com.nvidia.l4t.version", "jetson.l4t")

Release = tuple[int, ...]


def parse(version: str | None) -> Release | None:
    """"36.4.3" or "r36.4" -> (36, 4, 3) / (36, 4); anything else (a release has a
    two-digit major and at most three parts) -> None."""
    found = versions.parse(version.strip().removeprefix("r")) if version else None
    return found if found is not None and len(found) <= 3 and 10 <= found[0] <= 99 else None


def from_tag(reference: str) -> Release | None:
    """The L4T release an image's tag names, if it names one."""
    try:
        tag = parse_reference(reference).tag
    except ValueError:
        return None
    match = _TAG_L4T.search("-" + tag) if tag else None
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def from_labels(labels: dict[str, str] | None) -> Release | None:
    for key in L4T_LABELS:
        value = (labels or {}).get(key)
        if value and parse(value):
            return parse(value)
    return None


def text(release: Release) -> str:
    return ".".join(str(part) for part in release)


def compatible(image: Release, host: Release) -> bool:
    """Whether an image built for `image` runs on a host at `host`."""
    if image[0] != host[0]:
        return False
    if host[0] == 36:
        image_new = image[1:2] >= (4,) if len(image) > 1 else False
        host_new = host[1:2] >= (4,) if len(host) > 1 else False
        return image_new == host_new
    return True


TABLE_PATH = DATA_DIR / "l4t_jetpack.yaml"
_L4T_KEY = re.compile(r"^\d+\.\d+\.\d+$")


class JetpackEntry(Record):
    jetpack: str = Field(min_length=1)  # what jetllm shows
    jetson_containers: str | None = None  # the label jetson-containers gives, where it differs


class L4tTable(Record):
    """l4t_jetpack.yaml: L4T release (quoted MAJOR.MINOR.PATCH) -> JetPack."""

    schema_version: int = 1
    l4t: dict[str, JetpackEntry] = Field(min_length=1)

    @field_validator("l4t", mode="before")
    @classmethod
    def _quoted_keys(cls, entries: Any) -> Any:
        for key in entries if isinstance(entries, dict) else ():
            if not isinstance(key, str) or not _L4T_KEY.match(key):
                raise ValueError(f"key {key!r} is not a quoted MAJOR.MINOR.PATCH string")
        return entries


def load_table(path: Path = TABLE_PATH) -> dict[str, str]:
    """{l4t: jetpack}; a malformed file is jetllm's own bug (ShippedFileError, naming file and key)."""
    return {key: entry.jetpack for key, entry in load_yaml(path, L4tTable, shipped=True).l4t.items()}


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
