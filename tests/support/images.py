"""Fixture images built locally (no registry is reachable in tests): FROM
scratch with Debian's busybox-static, plus whatever files a test adds."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import docker

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")


def static_busybox() -> Path:
    """Debian's busybox-static (a dynamic busybox would not run FROM scratch)."""
    for candidate in BUSYBOX_CANDIDATES:
        path = Path(candidate)
        if path.is_file() and b"ld-linux" not in path.read_bytes()[:4096]:
            return path
    found = shutil.which("busybox")
    raise RuntimeError(
        f"no static busybox found (saw {found}); install Debian's busybox-static"
    )


def build_image(
    client: docker.DockerClient,
    repository: str,
    files: dict[str, bytes | str],
    dockerfile_tail: str,
) -> str:
    """Build `repository:<hash of inputs>` FROM scratch with busybox and `files`
    (paths relative to the build context), unless it exists; return the tag.

    The Dockerfile starts with busybox installed into /bin; `dockerfile_tail`
    adds the rest (COPY, ENV, ENTRYPOINT, CMD, ...).
    """
    busybox = static_busybox().read_bytes()
    dockerfile = (
        "FROM scratch\n"
        "COPY busybox /bin/busybox\n"
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n' + dockerfile_tail
    )
    payload = {"Dockerfile": dockerfile.encode(), "busybox": busybox}
    for name, content in files.items():
        payload[name] = content.encode() if isinstance(content, str) else content
    digest = hashlib.sha256()
    for name in sorted(payload):
        digest.update(name.encode() + b"\0" + payload[name] + b"\0")
    tag = f"{repository}:{digest.hexdigest()[:12]}"
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in payload.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(content))
    buffer.seek(0)
    client.images.build(fileobj=buffer, custom_context=True, tag=tag, rm=True, forcerm=True)
    return tag
