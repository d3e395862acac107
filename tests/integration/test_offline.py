"""An offline board: the image arrives by `docker load`, no registry is reachable (every
request jetllm makes would meet the suite's refusing proxy). preflight answers from the
daemon's copy and probe from the image itself."""

from __future__ import annotations

import io
import json
import platform
from pathlib import Path

import pytest

from tests.support import probe_images
from tests.support.images import build_image

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

HOSTS = Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts"


def loaded_image(client) -> str:  # type: ignore[no-untyped-def]
    """A Jetson-like CUDA 12.6 image, saved to a tar and `docker load`ed back."""
    tag = build_image(client, "jetllm-test/offline", {"nv_tegra_release": probe_images.R36},
                      "COPY nv_tegra_release /etc/nv_tegra_release\n"
                      'ENV CUDA_VERSION=12.6.68 NVIDIA_REQUIRE_CUDA="cuda>=12.6"\n')
    tar = io.BytesIO(b"".join(client.images.get(tag).save(named=True)))
    client.images.remove(tag)
    client.images.load(tar.getvalue())
    return tag


def test_an_offline_board_answers_from_local_images(jetllm, docker_client, tmp_path):
    image = loaded_image(docker_client)
    facts = json.loads((HOSTS / "orin-nx-r36.4.3.json").read_text())
    facts["platform"]["arch"] = platform.machine()  # the image is built for this machine
    orin = tmp_path / "orin.json"
    orin.write_text(json.dumps(facts))
    result = jetllm("preflight", image, "--facts", str(orin), "--json")
    assert result.exit_code == 0, result.stdout
    verdict = result.data()
    assert verdict["compatible"] is True and verdict["source"] == "daemon"
    assert any(r["rule"] == "cuda" and r["severity"] == "info" for r in verdict["reasons"])

    said = jetllm("preflight", image, "--facts", str(orin)).stdout
    assert "no registry asked, so it works offline; whether the tag now names a newer image there was not checked" \
        in said

    probed = jetllm("probe", image, "--facts", str(HOSTS / "x86-cpu.json"), "--json")
    assert probed.exit_code == 0, probed.stdout
    data = probed.data()
    assert data["ran"] is True and data["verdict"] == "ok" and data["gpu"] == "none"
    assert data["facts"]["image_l4t"] == "36.4.3" and data["facts"]["cuda_version"] == "12.6.68"


def test_an_image_that_is_not_here_is_named_with_docker_load(jetllm):
    result = jetllm("probe", "jetllm-test/offline-absent:never", "--facts", str(HOSTS / "x86-cpu.json"))
    assert result.exit_code == 1
    assert "not probed: jetllm-test/offline-absent:never is not here" in result.stdout
    assert "docker load -i FILE.tar" in result.stdout
