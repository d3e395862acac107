"""The Docker daemon dies while `jetllm try` waits: jetllm says so (docker_unavailable),
says the container may remain rather than claiming it removed it, and the run's labels
let `jetllm gc` find and remove it once the daemon is back. On a private daemon
(tests/support/private_daemon.py): the shared one is never stopped."""

from __future__ import annotations

from typing import Any

import pytest

from jetllm.core import labels
from tests.fixtures.backends.images import fakellm_image
from tests.integration.try_support import read_until, write_profile
from tests.support.cli import CliResult, run_jetllm, start_jetllm

pytestmark = [pytest.mark.docker, pytest.mark.timeout(300)]


def test_a_daemon_killed_mid_wait(private_daemon, tmp_path):
    client = private_daemon.client()
    image = fakellm_image(client)
    profile, name = write_profile(tmp_path, knobs={"load_seconds": 600})
    env = {"DOCKER_HOST": private_daemon.docker_host}
    process = start_jetllm("try", "--profile", str(profile), "--image", image, "--json", env=env)
    read_until(process, "waiting:")
    (container,) = containers(client, name)
    private_daemon.kill()
    stdout, stderr = process.communicate(timeout=60)
    result = CliResult(process.returncode, stdout, stderr)

    assert result.exit_code == 1, stderr
    (error,) = result.errors()
    assert error["class"] == "docker_unavailable"
    assert result.data()["diagnosis"]["class"] == "docker_unavailable"
    assert f"stopped answering while jetllm waited for {name}" in error["message"]
    assert f"the container {container.name} may remain" in error["message"]
    assert "`jetllm gc` finds it as an orphan" in error["message"]
    assert f"jetllm gc --run {container.labels[labels.RUN]}" in error["fix"]
    assert result.data()["exit_state"] is None  # no exit code it cannot know
    assert "exited with code" not in stderr
    assert f"container {container.name} removed" not in stderr  # it was not
    assert f"could not remove container {container.name}" in stderr

    private_daemon.start()  # back: the container is still there, and gc finds it
    client = private_daemon.client()
    assert [c.id for c in containers(client, name)] == [container.id]
    gc = run_jetllm("gc", "--json", env=env)
    assert gc.exit_code == 0, gc.stderr
    assert [(c["name"], c["state"]) for c in gc.data()["removed"]] == [(container.name, "orphaned")]
    assert containers(client, name) == []


def containers(client: Any, backend: str) -> list[Any]:
    wanted = [f"{labels.MANAGED}=1", f"{labels.BACKEND}={backend}"]
    return list(client.containers.list(all=True, filters={"label": wanted}))
