"""L4T releases: read them from image tags and decide which run on which host.

The rule is jetson-containers' l4t_version_compatible() (reference.md 2.1):
on r35 any r35.x image runs; on r36 a host older than 36.4 runs only images
older than 36.4, and a host at 36.4 or later only images at 36.4 or later;
otherwise the major release must match (an r35 image does not run on r36).
"""

from __future__ import annotations

import re

# dustynv/vllm:0.8.6-r36.4-cu128-24.04, dustynv/ollama:r36.4.0, ...:r38.2-arm64-sbsa
_TAG_L4T = re.compile(r"(?:^|[-_:])r(\d{2})\.(\d+)(?:\.(\d+))?(?=$|[-_.])")
# The labels that carry it where a tag does not (jetson-containers, NGC l4t-base).
L4T_LABELS = ("l4t.version", "com.nvidia.l4t.version", "jetson.l4t")

Release = tuple[int, ...]


def parse(version: str | None) -> Release | None:
    """"36.4.3" or "r36.4" -> (36, 4, 3) / (36, 4); anything else -> None."""
    if not version:
        return None
    match = re.fullmatch(r"r?(\d{2})(?:\.(\d+))?(?:\.(\d+))?", version.strip())
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def from_tag(reference: str) -> Release | None:
    """The L4T release an image's tag names, if it names one."""
    tag = reference.rsplit("/", 1)[-1]
    if ":" not in tag:
        return None
    match = _TAG_L4T.search("-" + tag.split(":", 1)[1])
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
