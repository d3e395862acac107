"""A real registry for preflight tests: Debian's docker-registry on 127.0.0.1,
and a pusher that talks the registry HTTP API directly (blobs, config,
manifest, manifest lists / OCI indexes), so no Docker daemon is needed.

The images carry what real ones carry in their config (env, labels,
architecture) and layers of a chosen size; their content is filler.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.needs import unavailable

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PlatformImage:
    """One platform of an image: what its config says and how big its layers are."""

    architecture: str = "arm64"
    env: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    layer_sizes: tuple[int, ...] = (4096,)
    variant: str | None = None


class LocalRegistry:
    def __init__(self, address: str) -> None:
        self.address = address
        self.client = httpx.Client(base_url=f"http://{address}", timeout=30)

    def _blob(self, repository: str, data: bytes) -> str:
        digest = _digest(data)
        start = self.client.post(f"/v2/{repository}/blobs/uploads/")
        assert start.status_code == 202, start.text
        location = start.headers["Location"]
        location += ("&" if "?" in location else "?") + f"digest={digest}"
        done = self.client.put(location, content=data,
                               headers={"Content-Type": "application/octet-stream"})
        assert done.status_code == 201, done.text
        return digest

    def _manifest(self, repository: str, reference: str, document: dict[str, object], media: str) -> tuple[str, int]:
        body = json.dumps(document).encode()
        answer = self.client.put(f"/v2/{repository}/manifests/{reference}", content=body,
                                 headers={"Content-Type": media})
        assert answer.status_code == 201, answer.text
        return _digest(body), len(body)

    def _single(self, repository: str, image: PlatformImage, oci: bool, reference: str) -> tuple[str, int]:
        layers = []
        for index, size in enumerate(image.layer_sizes):
            data = (f"{repository}:{image.architecture}:{index}:".encode() * (size // 8 + 1))[:size]
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip" if oci else
                           "application/vnd.docker.image.rootfs.diff.tar.gzip",
                           "digest": self._blob(repository, data), "size": len(data)})
        config = {
            "architecture": image.architecture, "os": "linux",
            **({"variant": image.variant} if image.variant else {}),
            "config": {"Env": [f"{k}={v}" for k, v in image.env.items()], "Labels": image.labels},
            "rootfs": {"type": "layers", "diff_ids": [layer["digest"] for layer in layers]},
        }
        config_bytes = json.dumps(config).encode()
        manifest = {
            "schemaVersion": 2, "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
            "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG,
                       "digest": self._blob(repository, config_bytes), "size": len(config_bytes)},
            "layers": layers,
        }
        return self._manifest(repository, reference, manifest, OCI_MANIFEST if oci else DOCKER_MANIFEST)

    def push(self, repository: str, tag: str, *platforms: PlatformImage, index: bool = True,
             oci: bool = True) -> str:
        """Push an image (an index over `platforms`, or one manifest); return its reference."""
        if not index:
            assert len(platforms) == 1
            self._single(repository, platforms[0], oci, tag)
            return f"{self.address}/{repository}:{tag}"
        entries = []
        for image in platforms:
            digest, size = self._single(repository, image, oci, f"{tag}-{image.architecture}")
            entries.append({"mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST, "digest": digest, "size": size,
                            "platform": {"architecture": image.architecture, "os": "linux",
                                         **({"variant": image.variant} if image.variant else {})}})
        media = OCI_INDEX if oci else DOCKER_LIST
        self._manifest(repository, tag, {"schemaVersion": 2, "mediaType": media, "manifests": entries}, media)
        return f"{self.address}/{repository}:{tag}"


def _binary() -> str | None:
    return shutil.which("docker-registry") or shutil.which("registry")


@pytest.fixture(scope="session")
def local_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    binary = _binary()
    if binary is None:
        unavailable("docker-registry is not installed (Debian package docker-registry)")
    root: Path = tmp_path_factory.mktemp("registry")
    address = f"127.0.0.1:{free_port()}"
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {root / 'data'}\nhttp:\n  addr: {address}\n"
    )
    process = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://{address}/v2/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"docker-registry did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield LocalRegistry(address)
    finally:
        process.terminate()
        process.wait(timeout=10)
