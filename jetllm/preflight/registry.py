"""Read an image's manifest and config from its registry without pulling a
layer (OCI distribution API; reference.md 3.4): anonymous bearer tokens as
Docker Hub, nvcr.io and ghcr.io hand out, Docker's stored credentials when
the user is logged in, manifest lists and OCI indexes, plain HTTP for
registries on localhost."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx

from jetllm.core.compat import ImageInfo, Platform
from jetllm.core.reference import ImageRef
from jetllm.preflight import cache
from jetllm.preflight.auth import credentials

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
ACCEPT = ", ".join(INDEX_TYPES + MANIFEST_TYPES)
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class RegistryError(Exception):
    """The registry could not answer; `reachable` says whether it was there at all."""

    def __init__(self, message: str, *, reachable: bool, not_found: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.reachable = reachable
        self.not_found = not_found


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.partition(" ")
    return scheme.lower(), dict(re.findall(r'(\w+)="([^"]*)"', rest))


class Registry:
    """One registry session for one repository (tokens are per repository scope)."""

    def __init__(self, ref: ImageRef, client: httpx.Client | None = None) -> None:
        self.ref = ref
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
        scheme = "http" if ref.insecure else "https"
        self.base = f"{scheme}://{ref.registry}/v2/{ref.repository}"
        self.auth: str | None = None

    def _login(self, header: str) -> None:
        scheme, params = _challenge(header)
        login = credentials(self.ref.auth_key)
        if scheme == "basic":
            if not login:
                raise RegistryError(f"{self.ref.registry} wants a login (docker login {self.ref.registry})", reachable=True)
            if not login.user:
                raise RegistryError(f"{self.ref.registry} takes a user and password (Basic auth), and the stored login "
                                    f"is an identity token (docker login {self.ref.registry} with a password)",
                                    reachable=True)
            self.auth = "Basic " + base64.b64encode(f"{login.user}:{login.password}".encode()).decode()
            return
        realm = params.get("realm")
        if scheme != "bearer" or not realm:
            raise RegistryError(f"{self.ref.registry}: unsupported auth challenge {scheme!r}", reachable=True)
        query = {"service": params.get("service", ""), "scope": f"repository:{self.ref.repository}:pull"}
        if login and login.identity_token:  # OAuth2: the identity token is a refresh token
            grant = {**query, "grant_type": "refresh_token", "refresh_token": login.identity_token,
                     "client_id": "jetllm"}
            answer = self.client.post(realm, data=grant)
        else:
            basic = httpx.BasicAuth(login.user, login.password) if login and login.user and login.password else None
            answer = self.client.get(realm, params=query, auth=basic)
        if answer.status_code != 200:
            raise RegistryError(f"{self.ref.registry}: token refused ({answer.status_code})", reachable=True)
        try:
            payload = answer.json()
        except ValueError:
            raise RegistryError(f"{self.ref.registry}: the token answer is not JSON", reachable=True) from None
        token = (payload.get("token") or payload.get("access_token")) if isinstance(payload, dict) else None
        self.auth = f"Bearer {token}"

    def get(self, path: str, accept: str) -> httpx.Response:
        url = f"{self.base}/{path}"
        try:
            for _ in range(2):
                headers = {"Accept": accept, **({"Authorization": self.auth} if self.auth else {})}
                response = self.client.get(url, headers=headers)
                if response.status_code == 401 and "WWW-Authenticate" in response.headers and not self.auth:
                    self._login(response.headers["WWW-Authenticate"])
                    continue
                break
        except httpx.HTTPError as exc:
            raise RegistryError(f"cannot reach {self.ref.registry}: {exc or type(exc).__name__}", reachable=False) from exc
        if response.status_code == 404:
            raise RegistryError(f"{self.ref} not found in {self.ref.registry}", reachable=True, not_found=True)
        if response.status_code in (401, 403):
            raise RegistryError(
                f"{self.ref.registry} refused access to {self.ref.repository} ({response.status_code}); docker login?",
                reachable=True,
            )
        if response.status_code != 200:
            raise RegistryError(f"{self.ref.registry} answered {response.status_code} for {path}", reachable=True)
        return response


def _document(response: httpx.Response) -> dict[str, Any]:
    try:
        loaded = json.loads(response.content)
    except ValueError as exc:
        raise RegistryError("the registry sent something that is not JSON", reachable=True) from exc
    return loaded if isinstance(loaded, dict) else {}


def _platform(entry: dict[str, Any]) -> Platform:
    found = entry.get("platform") or {}
    return Platform(os=found.get("os", "linux"), architecture=found.get("architecture", "unknown"),
                    variant=found.get("variant"))


def _pick(entries: list[dict[str, Any]], arch: str) -> dict[str, Any] | None:
    for entry in entries:
        platform = entry.get("platform") or {}
        if platform.get("os") == "linux" and platform.get("architecture") == arch:
            return entry
    return None


def inspect(ref: ImageRef, arch: str, client: httpx.Client | None = None) -> ImageInfo:
    """The image as this host (`arch`: amd64 / arm64) would pull it."""
    registry = Registry(ref, client)
    top = registry.get(f"manifests/{ref.reference}", ACCEPT)
    digest = top.headers.get("Docker-Content-Digest") or ref.digest or ""
    document = _document(top)
    media = document.get("mediaType") or top.headers.get("Content-Type", "").split(";")[0]
    platforms: list[Platform] = []
    manifest_digest = digest
    if media in INDEX_TYPES or "manifests" in document:
        entries = [e for e in document.get("manifests", []) if isinstance(e, dict)]
        platforms = [_platform(e) for e in entries if _platform(e).architecture != "unknown"]
        chosen = _pick(entries, arch)
        if chosen is None:
            return ImageInfo(reference=str(ref), digest=digest, platforms=platforms)
        manifest_digest = str(chosen.get("digest"))
    cached = cache.get(manifest_digest)
    if cached is None:
        if manifest_digest != digest:
            document = _document(registry.get(f"manifests/{manifest_digest}", ", ".join(MANIFEST_TYPES)))
        config_digest = (document.get("config") or {}).get("digest")
        if not config_digest:
            raise RegistryError(f"{ref}: the manifest names no config (schema 1 images are not read)", reachable=True)
        config = _document(registry.get(f"blobs/{config_digest}", "*/*"))
        inner = config.get("config") or {}
        cached = {
            "platform": {"os": config.get("os", "linux"), "architecture": config.get("architecture", "unknown"),
                         "variant": config.get("variant")},
            "env": [str(item) for item in inner.get("Env") or []],
            "labels": {str(k): str(v) for k, v in (inner.get("Labels") or {}).items()},
            "compressed_size": sum(int(layer.get("size", 0)) for layer in document.get("layers", [])),
        }
        cache.put(manifest_digest, cached)
    env = dict(item.split("=", 1) if "=" in item else (item, "") for item in cached["env"])
    return ImageInfo(
        reference=str(ref), digest=digest, platforms=platforms, platform=Platform(**cached["platform"]),
        manifest_digest=manifest_digest, env=env, labels=cached["labels"],
        compressed_size=cached["compressed_size"],
    )
