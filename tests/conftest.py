"""Shared fixtures: a real Docker daemon, the CLI as a subprocess or in this process, a check
that no test leaves a jetllm container behind, and one that no connection
leaves this machine (tests/support/network.py)."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import CliResult, run_in_process, run_jetllm
from tests.support.needs import unavailable
from tests.support.network import RecordingProxy, SocketGuard

# The local registry's fixtures (local_registry, registry_front) and the Docker socket's
# front (docker_front) and a private daemon to kill (private_daemon) for every test module.
pytest_plugins = ["tests.support.registry", "tests.support.docker_front", "tests.support.private_daemon"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Every container jetllm starts in this test session carries this label (through
# JETLLM_LABELS, which the CLI subprocesses inherit), so that the leftover check
# below judges this session's containers only, never another run's on the same daemon.
SESSION_LABEL = f"jetllm-tests.session={uuid.uuid4().hex[:12]}"
# In this process, connects off the machine are refused and recorded; CLI
# subprocesses inherit proxy variables that lead to a proxy which refuses and records.
SOCKET_GUARD = SocketGuard()
PROXY = RecordingProxy()
_SAVED_ENV: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    # The suite plays a terminal session, whose hangup is live: under `nohup` (a runner may start
    # it so) SIGHUP arrives ignored, jetllm rightly leaves it so, and every process the tests start
    # would inherit that. One test plays nohup itself (test_signals).
    if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    mine = os.environ.get("JETLLM_LABELS")
    os.environ["JETLLM_LABELS"] = f"{mine},{SESSION_LABEL}" if mine else SESSION_LABEL
    PROXY.start()
    for name, value in PROXY.environment().items():
        _SAVED_ENV[name] = os.environ.get(name)
        os.environ[name] = value
    SOCKET_GUARD.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    SOCKET_GUARD.uninstall()
    PROXY.stop()
    for name, value in _SAVED_ENV.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def nothing_left_the_machine() -> Iterator[RecordingProxy]:
    """At the end of the session: nothing (a CLI subprocess through the proxy, or
    this process) tried to reach past this machine; else all of it is listed."""
    yield PROXY
    assert not PROXY.records, f"CLI traffic off this machine reached the test proxy: {PROXY.records}"
    assert not SOCKET_GUARD.attempts, f"connections off this machine: {SOCKET_GUARD.attempts}"


@pytest.fixture(autouse=True)
def no_connection_off_the_machine() -> Iterator[SocketGuard]:
    """A test that connects to anything but loopback, in this process or through
    the proxy from a CLI subprocess, fails."""
    connects, proxied = len(SOCKET_GUARD.attempts), len(PROXY.records)
    yield SOCKET_GUARD
    made = SOCKET_GUARD.attempts[connects:] + PROXY.records[proxied:]
    assert not made, f"the test tried to reach past this machine: {made}"


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
    """Call as jetllm("doctor", "--json", env={...}) -> CliResult: a jetllm process."""
    return run_jetllm


@pytest.fixture
def cli():
    """As `jetllm`, but in this process: for tests where the process itself (signals,
    the entry point) does not matter."""
    return run_in_process


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


__all__ = ["CliResult"]
