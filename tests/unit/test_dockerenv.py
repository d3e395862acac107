"""Connecting to Docker: an unusable daemon is an error the user can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetllm.core.errors import JetllmError
from jetllm.dockerenv import DockerUnavailable, connect


def test_a_daemon_that_is_not_there_is_docker_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    with pytest.raises(DockerUnavailable) as caught:
        connect(timeout=5)
    error = caught.value
    assert isinstance(error, JetllmError)
    assert error.failure_class == "docker_unavailable"
    assert error.message and error.fix
