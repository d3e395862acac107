"""Shared fixtures: a real Docker daemon, the CLI as a subprocess, and a
check that no test leaves a jetllm container behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import CliResult, run_jetllm
from tests.support.needs import unavailable

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def docker_client() -> Iterator[object]:
    import docker

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"no Docker daemon answers: {exc}")
    # Judge only containers this run created: another jetllm user of the same
    # daemon (a second test run, a real session) is not ours to remove.
    before = {c.id for c in _managed(client)}
    yield client
    leftovers = [c for c in _managed(client) if c.id not in before]
    for container in leftovers:
        container.remove(force=True)
    assert not leftovers, f"tests left jetllm containers behind: {[c.name for c in leftovers]}"


def _managed(client) -> list:
    return client.containers.list(all=True, filters={"label": "jetllm.managed=1"})


@pytest.fixture
def jetllm():
    """Call as jetllm("doctor", "--json", env={...}) -> CliResult."""
    return run_jetllm


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


__all__ = ["CliResult"]
