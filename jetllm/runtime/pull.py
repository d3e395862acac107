"""Getting the image: pull policy, free-disk check, per-layer progress, classified errors."""

from __future__ import annotations

import shutil
import time
from typing import TYPE_CHECKING

from jetllm.core.diagnosis import Diagnosis, FailureClass
from jetllm.core.events import LayerProgress, Phase, ProgressCallback
from jetllm.core.facts import HostFacts
from jetllm.core.policy import PULL_POLICIES
from jetllm.core.units import GIB
from jetllm.knowledge.cuda import disk_unpack_factor
from jetllm.preflight import not_here_fix
from jetllm.runtime import diagnose

if TYPE_CHECKING:
    from docker import DockerClient

POLICIES = PULL_POLICIES
MIN_FREE_BYTES = GIB  # below this, no pull can be expected to fit


class PullFailed(Exception):
    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.cause)
        self.diagnosis = diagnosis


def free_bytes(client: DockerClient, facts: HostFacts) -> int | None:
    """Free space where the daemon keeps images (read live when visible from here)."""
    try:
        root = client.info().get("DockerRootDir")
        if root:
            return shutil.disk_usage(root).free
    except Exception:  # noqa: BLE001 (a remote daemon, or the dir is not ours to read)
        pass
    return facts.docker.root_dir_free_bytes


def present(client: DockerClient, image: str) -> bool:
    import docker.errors

    try:
        client.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False


def _disk_full(needed: float, free: int, jetson: bool) -> PullFailed:
    cause = (f"no space left on device for the image: about {needed / GIB:.1f} GiB needed, "
             f"{free / GIB:.1f} GiB free where Docker keeps images")
    return PullFailed(diagnose.of_class(FailureClass.DISK_FULL, cause, jetson=jetson))


def ensure_image(client: DockerClient, image: str, policy: str, facts: HostFacts,
                 progress: ProgressCallback) -> float | None:
    """Make `image` present per `policy`; seconds spent pulling, None if no pull ran."""
    jetson = facts.jetson.is_jetson
    if policy != "always" and present(client, image):
        progress(Phase("image", f"{image} is present; not pulled (--pull {policy})"))
        return None
    if policy == "never":
        cause = f"image {image} is not present and the pull policy is 'never'"
        found = diagnose.of_class(FailureClass.IMAGE_PULL_FAILED, cause, jetson=jetson)
        raise PullFailed(found.model_copy(update={"fix": not_here_fix(image)}))
    free = free_bytes(client, facts)
    if free is not None and free < MIN_FREE_BYTES:
        raise _disk_full(MIN_FREE_BYTES, free, jetson)
    progress(Phase("pulling", f"image {image} (--pull {policy})"))
    start = time.monotonic()
    _pull(client, image, free, progress, jetson)
    return time.monotonic() - start


def _pull(client: DockerClient, image: str, free: int | None, progress: ProgressCallback,
          jetson: bool) -> None:
    from jetllm.core.reference import parse

    totals: dict[str, int] = {}
    try:
        ref = parse(image)
        stream = client.api.pull(ref.name, tag=ref.reference, stream=True, decode=True)
        for event in stream:
            if "error" in event:
                raise PullFailed(_classify(str(event["error"]), image, jetson))
            layer, detail = event.get("id"), event.get("progressDetail") or {}
            if layer and detail.get("total"):
                totals[layer] = int(detail["total"])
                needed = sum(totals.values()) * disk_unpack_factor()
                if free is not None and needed > free:
                    raise _disk_full(needed, free, jetson)
            if layer:
                progress(LayerProgress(layer, str(event.get("status", "")),
                                       detail.get("current"), detail.get("total")))
    except PullFailed:
        raise
    except Exception as exc:  # docker-py: APIError, ConnectionError, ...
        message = getattr(exc, "explanation", None) or str(exc)
        raise PullFailed(_classify(str(message), image, jetson)) from exc


def _classify(message: str, image: str, jetson: bool) -> Diagnosis:
    cause = f"pulling {image} failed: {message}"
    return diagnose.of_message(message, FailureClass.IMAGE_PULL_FAILED, cause=cause, jetson=jetson)
