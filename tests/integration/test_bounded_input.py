"""Input from a container or an image, against the real Docker daemon: a log
line that never ends costs jetllm no more than any other, and an image name
is printed as the text it is."""

from __future__ import annotations

import json
import resource
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

WAIT_S = 8
LINE_BYTES = 32 << 20  # one line, printed at once: Docker passes it on in pieces of 16 KiB


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_a_log_line_that_never_ends_does_not_keep_jetllm_busy(jetllm, docker_client, tmp_path: Path) -> None:
    image = fakellm_image(docker_client)
    name = f"endless-{uuid.uuid4().hex[:8]}"
    profile = {
        "name": name, "description": "prints a line of 32 MiB of dots, then waits",
        "formats": ["hf"], "port": 8000, "default_model": "tiny",
        "images": {platform: [{"image": image}] for platform in ("cpu", "x86_64", "sbsa")},
        "entrypoint": ["/bin/sh", "-c", f"head -c {LINE_BYTES} /dev/zero | tr '\\000' . ; echo; exec sleep 600"],
        "ready": {"health_path": "/health", "log_line": "never printed"},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(json.dumps(profile))
    before = cpu_seconds_of_children()
    result = jetllm("try", "--profile", str(path), "--pull", "never", "--timeout", str(WAIT_S), "--json")
    cpu = cpu_seconds_of_children() - before
    assert result.exit_code == 1, result.stderr
    data = result.data()
    assert data["diagnosis"]["class"] == "startup_timeout"
    # The line reached the tail within the wait, cut as every log line is;
    # re-scanning it as it grew, jetllm was still reading it at the end.
    assert data["log_tail"] and data["log_tail"][-1] == "." * 1999 + "…"
    # Following the log is a small part of the wait (re-scanning: over half of it).
    assert cpu < WAIT_S / 3, f"jetllm used {cpu:.1f} s of CPU in a {WAIT_S} s wait"


@pytest.fixture
def ok_image(docker_client: Any) -> Iterator[str]:
    """The fakellm image, held by the daemon under a tag that is an emoji code's half."""
    repository = f"jetllm-test/text-{uuid.uuid4().hex[:8]}"
    docker_client.images.get(fakellm_image(docker_client)).tag(repository, "ok")
    yield f"{repository}:ok"
    docker_client.images.remove(f"{repository}:ok", noprune=True)


def test_an_image_name_is_printed_as_text(jetllm, ok_image: str, tmp_path: Path) -> None:
    result = jetllm("preflight", ok_image, env={"JETLLM_CACHE_DIR": str(tmp_path)})
    assert result.exit_code in (0, 1), result.stderr
    head = result.stdout.splitlines()[0]
    assert head.startswith(f"{ok_image}: "), head  # ":ok:" stays ":ok:", no emoji
    assert "read from the image the local Docker daemon holds" in result.stdout
