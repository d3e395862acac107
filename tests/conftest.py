"""Shared fixtures: a real Docker daemon, the CLI as a subprocess, and a
check that no test leaves a jetllm container behind."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import CliResult, run_jetllm
from tests.support.needs import unavailable

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Every container jetllm starts in this test session carries this label (through
# JETLLM_LABELS, which the CLI subprocesses inherit), so that the leftover check
# below judges this session's containers only, never another run's on the same daemon.
SESSION_LABEL = f"jetllm-tests.session={uuid.uuid4().hex[:12]}"


def pytest_configure(config: pytest.Config) -> None:
    mine = os.environ.get("JETLLM_LABELS")
    os.environ["JETLLM_LABELS"] = f"{mine},{SESSION_LABEL}" if mine else SESSION_LABEL


@pytest.fixture(scope="session")
def docker_client() -> Iterator[object]:
    import docker

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"no Docker daemon answers: {exc}")
    yield client
    leftovers = _this_session(client)
    for container in leftovers:
        container.remove(force=True)
    assert not leftovers, f"tests left jetllm containers behind: {[c.name for c in leftovers]}"


def _this_session(client) -> list:
    wanted = ["jetllm.managed=1", SESSION_LABEL]
    return client.containers.list(all=True, filters={"label": wanted})


@pytest.fixture
def jetllm():
    """Call as jetllm("doctor", "--json", env={...}) -> CliResult."""
    return run_jetllm


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


__all__ = ["CliResult"]
