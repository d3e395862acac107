"""A real registry for preflight tests: Debian's docker-registry on 127.0.0.1,
and a pusher that talks the registry HTTP API directly (blobs, config,
manifest, manifest lists / OCI indexes), so no Docker daemon is needed.

The images carry what real ones carry in their config (env, labels,
architecture) and layers of a chosen size; their content is filler.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
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


@dataclass
class TokenAuth:
    """Docker's token auth, as Docker Hub and ghcr.io ask for it: a Bearer challenge, and a
    token server (the realm) that takes an identity token as an OAuth2 refresh token
    (POST, grant_type=refresh_token) or a user and password (GET, Basic). With `basic`,
    the registry asks for the user and password on each request instead."""

    refresh_token: str | None = None
    user: tuple[str, str] | None = None
    basic: bool = False  # no token server: Basic auth on every request, as some private registries have
    grants: list[dict[str, str]] = field(default_factory=list)  # each token request: how, and its fields
    access: str = field(default_factory=lambda: uuid.uuid4().hex)

    def grant(self, method: str, fields: dict[str, str], authorization: str) -> bool:
        self.grants.append({"method": method, **fields})
        if method == "POST":
            return bool(self.refresh_token) and fields.get("grant_type") == "refresh_token" \
                and fields.get("refresh_token") == self.refresh_token
        return self.user is not None and authorization == self.basic_header()

    def basic_header(self) -> str | None:
        return "Basic " + base64.b64encode(":".join(self.user).encode()).decode() if self.user else None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    agent: str

    @property
    def by_docker(self) -> bool:
        """The Docker daemon pulling (its User-Agent), not jetllm reading metadata."""
        return self.agent.startswith("docker/")


class RegistryFront:
    """A plain HTTP front on 127.0.0.1 for the local registry: it forwards every
    request and keeps (method, path, User-Agent), so a test counts who read what.
    Images pushed to the registry are pulled through `address` under the same names."""

    def __init__(self, upstream: str, token_auth: TokenAuth | None = None) -> None:
        self.requests: list[Request] = []
        self.upstream = upstream
        self.token_auth = token_auth
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size) if size else None
                front.requests.append(Request(self.command, self.path, self.headers.get("User-Agent", "")))
                if front.token_auth is not None and self._gated(front.token_auth, body):
                    return
                skip = ("host", "content-length", "connection", "accept-encoding")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                with httpx.Client(base_url=f"http://{upstream}", timeout=30) as client:
                    answer = client.request(self.command, self.path, headers=headers, content=body)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value.replace(upstream, front.address))
                length = str(len(answer.content))
                if self.command == "HEAD":  # no body came, but the client wants its size
                    length = answer.headers.get("Content-Length", length)
                self.send_header("Content-Length", length)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.content)

            def _gated(self, gate: TokenAuth, body: bytes | None) -> bool:
                """Answer a token request, or refuse one without the token; False: forward it."""
                path, _, query = self.path.partition("?")
                if path == "/token":
                    form = (body or b"").decode() if self.command == "POST" else query
                    fields = {k: v[0] for k, v in urllib.parse.parse_qs(form).items()}
                    if gate.grant(self.command, fields, self.headers.get("Authorization", "")):
                        self._answer(200, json.dumps({"access_token": gate.access}).encode())
                    else:
                        self._answer(401, b'{"details": "bad credentials"}')
                    return True
                if self.headers.get("Authorization") in (f"Bearer {gate.access}", gate.basic and gate.basic_header()):
                    return False
                repository = path.removeprefix("/v2/").rsplit("/", 2)[0]
                challenge = 'Basic realm="test-registry"' if gate.basic else (
                    f'Bearer realm="http://{front.address}/token",service="test-registry",'
                    f'scope="repository:{repository}:pull"')
                self._answer(401, b'{"errors": [{"code": "UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
                return True

            def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reads(self, repository: str) -> list[Request]:
        """What jetllm (not the daemon) asked about `repository`."""
        return [r for r in self.requests if r.path.startswith(f"/v2/{repository}/") and not r.by_docker]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def registry_front(local_registry: LocalRegistry) -> Iterator[RegistryFront]:
    front = RegistryFront(local_registry.address)
    yield front
    front.stop()


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
