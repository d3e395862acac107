"""Preflight's records: what the local daemon or the registry said about an image, and the verdict."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from jetllm.core.diagnosis import FailureClass
from jetllm.core.record import Record


class Severity(str, Enum):
    BLOCKER = "blocker"  # it will not run: the verdict is incompatible
    WARNING = "warning"  # it may run; say why it might not
    INFO = "info"  # what was checked and passed, or why a rule did not apply


class Source(str, Enum):
    """Where an image's metadata was read."""

    DAEMON = "daemon"  # the local Docker daemon holds the image (docker image inspect)
    REGISTRY = "registry"  # its registry's manifest and config; no layer pulled


class Reason(Record):
    rule: str  # architecture | cuda | driver | l4t | gpu_arch | disk | registry | local
    severity: Severity
    failure_class: FailureClass = Field(alias="class")
    message: str
    fix: str | None = None


class Platform(Record):
    os: str = "linux"
    architecture: str
    variant: str | None = None

    def text(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


class ImageInfo(Record):
    """An image as its registry (no layer pulled) or the local daemon describes it."""

    reference: str  # as normalised: registry/repository:tag
    digest: str  # of the manifest (or index) the tag names; a local image without one: its id
    source: Source = Source.REGISTRY
    platforms: list[Platform] = Field(default_factory=list)  # an index's entries; [] for a single manifest
    platform: Platform | None = None  # the one picked for this host (from the config)
    manifest_digest: str | None = None  # the per-platform manifest
    env: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    compressed_size: int | None = None  # sum of layer sizes in the manifest; None when held locally


class Compatibility(Record):
    image: str
    compatible: bool | None  # None: unknown (neither the daemon nor the registry could tell)
    failure_class: FailureClass = Field(alias="class")
    reasons: list[Reason] = Field(default_factory=list)
    digest: str | None = None
    compressed_size: int | None = None
    platform: str | None = None
    source: Source | None = None  # where the metadata came from; None when nothing could be read

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
