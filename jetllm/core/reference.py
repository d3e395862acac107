"""Image references: "vllm/vllm-openai:latest" -> registry, repository, tag.

Docker's rules: no registry part means Docker Hub (registry-1.docker.io), and
an official image without a namespace gets "library/"; a first part with a
dot or a colon, or "localhost", is a registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

DOCKER_HUB = "registry-1.docker.io"
_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io")
# The grammar of Docker's reference parser (distribution/reference).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REGISTRY = re.compile(rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?")
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_MAX_NAME = 255


@dataclass(frozen=True, slots=True)
class ImageRef:
    registry: str  # host[:port]
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def reference(self) -> str:
        """The tag or digest to ask the registry for."""
        return self.digest or self.tag or "latest"

    @property
    def name(self) -> str:
        """The repository as `docker pull` takes it: without tag or digest."""
        return str(replace(self, tag=None, digest=None))

    @property
    def insecure(self) -> bool:
        """Plain HTTP: Docker allows it for local registries without configuration."""
        host = self.registry.rsplit(":", 1)[0] if not self.registry.startswith("[") else self.registry
        return host in ("localhost", "127.0.0.1", "[::1]") or host.startswith("127.")

    @property
    def auth_key(self) -> str:
        """The name Docker's stored logins are looked up by (docker-py maps docker.io to its index)."""
        return "docker.io" if self.registry == DOCKER_HUB else self.registry

    def __str__(self) -> str:
        shown = "docker.io" if self.registry == DOCKER_HUB else self.registry
        name = self.repository.removeprefix("library/") if shown == "docker.io" else self.repository
        text = f"{shown}/{name}" if shown != "docker.io" else name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse(text: str) -> ImageRef:
    """Parse an image reference; ValueError with the reason when it is not one."""
    ref = text.strip()
    if not ref or any(c.isspace() for c in ref):
        raise ValueError(f"not an image reference: {text!r}")
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"bad digest in {text!r} (sha256: and 64 hex digits)")
    first, _, rest = ref.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
        if not _REGISTRY.fullmatch(registry):
            raise ValueError(f"not an image reference: {text!r} (bad registry {registry!r})")
    else:
        registry, path = DOCKER_HUB, ref
    if registry in _HUB_NAMES:
        registry = DOCKER_HUB
    tag = None
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path, tag = path.rsplit(":", 1)
        if not _TAG.fullmatch(tag):
            raise ValueError(f"not an image reference: {text!r} (bad tag {tag!r})")
    if path != path.lower():
        raise ValueError(f"not an image reference: {text!r} (repository names are lowercase)")
    if not _PATH.fullmatch(path) or len(path) > _MAX_NAME:
        raise ValueError(f"not an image reference: {text!r}")
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    if tag is None and digest is None:
        tag = "latest"
    return ImageRef(registry=registry, repository=path, tag=tag, digest=digest)
