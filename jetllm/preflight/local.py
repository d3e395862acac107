"""An image the local Docker daemon already holds, read with `docker image inspect`
(its config's env, labels and platform): no registry is asked for it."""

from __future__ import annotations

from typing import Any

from jetllm.core.compat import ImageInfo, Platform, Source


class DaemonUnreadable(Exception):
    """The daemon could not be asked whether it holds the image."""


def held(reference: str, normalised: str) -> ImageInfo | None:
    """The daemon's copy of `reference`, None when it holds none (DaemonUnreadable if not asked)."""
    from jetllm.dockerenv import DockerUnavailable, connect

    try:
        client = connect()
    except DockerUnavailable as exc:
        raise DaemonUnreadable(exc.message) from None
    import docker.errors

    try:
        attrs: dict[str, Any] = client.images.get(reference).attrs
    except docker.errors.ImageNotFound:
        return None
    except docker.errors.DockerException as exc:
        raise DaemonUnreadable(f"the Docker daemon could not inspect {reference}: {exc}") from None
    finally:
        client.close()
    config = attrs.get("Config") or {}
    env = dict(item.split("=", 1) if "=" in item else (item, "") for item in config.get("Env") or [])
    repo_digests = [str(d).split("@", 1)[1] for d in attrs.get("RepoDigests") or [] if "@" in str(d)]
    return ImageInfo(
        reference=normalised, digest=repo_digests[0] if repo_digests else str(attrs.get("Id", "")),
        source=Source.DAEMON,
        platform=Platform(os=attrs.get("Os") or "linux", architecture=attrs.get("Architecture") or "unknown",
                          variant=attrs.get("Variant") or None),
        env=env, labels={str(k): str(v) for k, v in (config.get("Labels") or {}).items()},
    )
