"""Ctrl-C (SIGINT), SIGTERM, SIGHUP and SIGQUIT during a `jetllm try`: exit 130,
nothing left behind, and only what is true said about it."""

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


# SIGHUP: the terminal or SSH session closed; SIGQUIT: Ctrl-\. A backend left
# running would hold its port, and on a board its GPU memory.
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT], ids=lambda s: s.name)
def test_termination_signals_remove_the_container(docker_client, image, tmp_path, signum):
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    process = start_jetllm("try", "--profile", str(profile), "--image", image)
    read_until(process, "waiting:")
    (container,) = containers_of(docker_client, backend=name)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert containers_of(docker_client, backend=name) == []
    assert f"container {container.name} removed" in stderr


def test_keep_removes_a_backend_interrupted_before_it_served(docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    process = start_jetllm("try", "--profile", str(profile), "--image", image, "--keep")
    read_until(process, "waiting:")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert containers_of(docker_client, backend=name) == []
    assert "--keep keeps a backend only once it has served" in stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_signal_while_the_container_is_created_removes_it(docker_client, image, tmp_path, docker_front,
                                                            signum):
    # The daemon has created the container; its answer (the id) has not reached jetllm yet.
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    docker_front.hold("/containers/create")
    process = start_jetllm("try", "--profile", str(profile), "--image", image,
                           env={"DOCKER_HOST": docker_front.docker_host})
    assert docker_front.holding.wait(60), "jetllm never created its container"
    (created,) = containers_of(docker_client, backend=name)
    assert created.status == "created"
    process.send_signal(signum)
    time.sleep(0.5)  # the signal has landed; now the daemon's answer may come
    docker_front.release()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert containers_of(docker_client, backend=name) == []  # not left in Created, with its env
    assert f"container {created.name} removed" in stderr
