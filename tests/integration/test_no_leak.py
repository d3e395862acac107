"""Nothing leaks: no host system path mounted read-write, never Docker's socket,
and no secret in any output of a bring-up (files, JSON, terminal)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


@pytest.mark.parametrize(("source", "read_only"), [
    ("/", False), ("/", True), ("/etc", False), ("/etc/ssl/", False), ("/usr/lib", False), ("/lib64", False),
    ("/proc", False), ("/dev", False), ("~", False), ("/var/run/docker.sock", True), ("/run/docker.sock", False),
    ("/run", True), ("/var/run", True),
], ids=str)
def test_a_profile_that_mounts_the_host_is_refused(jetllm, docker_client, image, tmp_path, source, read_only):
    volume = {"source": source, "target": "/host", **({"read_only": True} if read_only else {})}
    profile, name = write_profile(tmp_path, extra={"volumes": [volume]})
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jetllm: error: ") and "Traceback" not in result.stderr
    assert profile.name in lines[0] and "field 'volumes.0.source'" in lines[0] and f"'{source}'" in lines[0]
    as_json = jetllm("try", "--profile", str(profile), "--image", image, "--json")
    assert as_json.exit_code == 2 and as_json.errors()[0]["class"] == "usage_error"
    assert f"'{source}'" in as_json.errors()[0]["message"]
    assert containers_of(docker_client, backend=name) == []


def test_a_docker_socket_behind_a_symlink_or_in_a_variant_is_refused(jetllm, image, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to("/var/run")
    profile, _ = write_profile(tmp_path, extra={"volumes": [{"source": str(link), "target": "/x", "read_only": True}]})
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and "Docker's socket" in result.stderr
    profile, _ = write_profile(tmp_path)
    text = profile.read_text().replace("- image: jetllm-fixture/fakellm:latest",
                                       "- image: jetllm-fixture/fakellm:latest\n    volumes: [{source: /etc, target: /e}]", 1)
    profile.write_text(text)
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and "field 'images." in result.stderr and "'/etc'" in result.stderr


@pytest.mark.timeout(120)
def test_a_system_path_marked_read_only_is_mounted_with_a_warning(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, extra={"volumes": [{"source": "/etc", "target": "/host-etc",
                                                                "read_only": True}]})
    result = jetllm("try", "--profile", str(profile), "--image", image, "--json")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("jetllm: warning: ")]
    assert len(warnings) == 1 and profile.name in warnings[0] and "'/etc'" in warnings[0]
    assert "read-only" in warnings[0]
    assert result.data()["outcome"] == "ready"
    assert containers_of(docker_client, backend=name) == []


def test_a_home_subfolder_and_a_named_volume_are_fine(jetllm, image, tmp_path):
    models = Path(os.path.expanduser("~")) / ".cache"
    profile, _ = write_profile(tmp_path, extra={"volumes": [
        {"source": str(models), "target": "/cache", "read_only": True},
        {"source": "jetllm-test-nothing", "target": "/data"}]})
    result = jetllm("profiles", "show", str(profile))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
