"""Ctrl-C (SIGINT) and SIGTERM during a `jetllm try`: exit 130, nothing left behind."""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import containers_of, read_until, write_profile
from tests.support.cli import interrupt, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


@pytest.mark.parametrize("phase,knobs", [
    ("waiting:", {"load_seconds": 600}),  # a backend that loads for ever
    ("smoke:", {"token_delay": 5}),  # a backend that generates very slowly
])
def test_ctrl_c_removes_the_container(docker_client, image, tmp_path, phase, knobs):
    profile, name = write_profile(tmp_path, knobs=knobs)
    process = start_jetllm("try", "--profile", str(profile), "--image", image)
    read_until(process, phase)
    time.sleep(0.5)
    assert len(containers_of(docker_client, backend=name)) == 1  # it was running
    result = interrupt(process)
    assert result.exit_code == 130, result.stderr
    assert "interrupted: stopping and removing the container" in result.stderr
    assert containers_of(docker_client, backend=name) == []


def test_sigterm_removes_the_container(docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    process = start_jetllm("try", "--profile", str(profile), "--image", image)
    read_until(process, "waiting:")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert containers_of(docker_client, backend=name) == []
