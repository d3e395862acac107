"""The suite's guard against traffic off this machine (tests/support/network.py,
wired in tests/conftest.py) catches what it must and lets loopback through."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest

from tests.support.network import OffMachineConnection, RecordingProxy

X86 = str(Path(__file__).parents[1] / "fixtures" / "profiles" / "hosts" / "x86-rtx4090-550.json")
FAR = "registry.jetllm-tests.invalid"


def test_httpx_through_the_proxy_variables_is_recorded_and_refused(nothing_left_the_machine):
    proxy = nothing_left_the_machine
    assert os.environ["HTTPS_PROXY"] == os.environ["HTTP_PROXY"] == proxy.url
    with httpx.Client(timeout=10) as client:  # trust_env, as jetllm's clients are
        with pytest.raises(httpx.ProxyError):
            client.get(f"https://{FAR}/v2/")
        plain = client.get(f"http://{FAR}/v2/")
    assert plain.status_code == 403 and "no traffic leaves this machine" in plain.text
    assert proxy.take(FAR) == [f"CONNECT {FAR}:443", f"GET http://{FAR}/v2/"]


def test_a_cli_subprocess_goes_to_the_proxy(jetllm, nothing_left_the_machine):
    result = jetllm("preflight", f"{FAR}/nvidia/vllm:1", "--facts", X86, "--json")
    assert nothing_left_the_machine.take(FAR) == [f"CONNECT {FAR}:443"]
    assert result.exit_code == 1 and result.data()["compatible"] is None
    assert "403" in result.data()["reasons"][-1]["message"]


def test_loopback_is_reached_directly(nothing_left_the_machine):
    local = RecordingProxy().start()  # here only a server on 127.0.0.1 that records what it gets
    try:
        with httpx.Client(timeout=10) as client:
            assert client.get(f"{local.url}/v2/").status_code == 403
    finally:
        local.stop()
    assert local.records == ["GET /v2/"]  # origin-form: it came straight, not through a proxy
    assert nothing_left_the_machine.take("/v2/") == []


def test_connects_off_the_machine_are_refused_in_process(no_connection_off_the_machine):
    guard = no_connection_off_the_machine
    with pytest.raises(OffMachineConnection):
        socket.create_connection((FAR, 443), timeout=1)
    with socket.socket() as sock, pytest.raises(OffMachineConnection):
        sock.connect(("192.0.2.1", 80))
    with socket.socket(socket.AF_INET6) as sock, pytest.raises(OffMachineConnection):
        sock.connect_ex(("2001:db8::1", 80, 0, 0))
    with httpx.Client(trust_env=False, timeout=1) as client, pytest.raises(httpx.ConnectError):
        client.get("http://192.0.2.1/")
    assert guard.attempts[-4:] == [f"create_connection {FAR}:443", "connect 192.0.2.1:80",
                                   "connect 2001:db8::1:80", "create_connection 192.0.2.1:80"]
    del guard.attempts[-4:]  # refused on purpose: this test must not fail for them


def test_loopback_and_unix_sockets_connect(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=5).close()
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen()
        client.connect(path)
