"""A bug inside preflight ends a bring-up as an internal error, with its cause;
it is not "preflight could not tell, tried anyway". Here the bug is a malformed
CUDA table in a copy of the package, met while judging an image the daemon holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.images import build_image
from tests.support.package import PACKAGE, package_with

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]
HOST = Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts" / "x86-rtx4090-550.json"


def test_a_preflight_bug_is_an_internal_error_not_a_guess(jetllm, docker_client, tmp_path: Path) -> None:
    image = build_image(docker_client, "jetllm-test-cuda-image", {}, "ENV CUDA_VERSION=12.4.1\nCMD [\"true\"]\n")
    table = (PACKAGE / "knowledge" / "data" / "cuda_driver.yaml").read_text()
    root = package_with(tmp_path / "site", {"knowledge/data/cuda_driver.yaml":
                                            table.replace("toolkit_min_driver:", "toolkit_min_drivers:")})
    profile = tmp_path / "cudaimage.yaml"
    profile.write_text(f"name: cudaimage\ndescription: an image that carries CUDA\nformats: [hf]\nport: 8000\n"
                       f"images:\n  x86_64: [{{image: \"{image}\"}}]\ncommand: [serve]\n")
    result = jetllm("bringup", "--profile", str(profile), "--facts", str(HOST), "--pull", "never",
                    "--attempt-timeout", "20s", "--out", str(tmp_path / "out"), "--json",
                    env={"PYTHONPATH": str(root)}, cwd=root, timeout=120)
    assert result.exit_code == 1, result.stderr
    (error,) = result.errors()
    assert error["class"] == "internal_error"
    assert "shipped file jetllm/knowledge/data/cuda_driver.yaml is malformed" in error["message"]
    assert "field 'toolkit_min_driver': required field is missing" in error["message"]
