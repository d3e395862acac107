"""A unix socket in front of the Docker daemon's, for tests that need one moment of
jetllm's conversation with the daemon to last: every byte is relayed both ways, and
the daemon's answer to one chosen request can be held until the test lets it go
(the request itself has reached the daemon and been carried out)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

HOLD_LIMIT_S = 60


def daemon_socket() -> str | None:
    """The path of the daemon's unix socket (DOCKER_HOST or the default), None for a TCP one."""
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return host.removeprefix("unix://") if host.startswith("unix://") else None


class DockerFront:
    def __init__(self, folder: Path, upstream: str) -> None:
        self.path = folder / "docker.sock"
        self.holding = threading.Event()  # a held answer is waiting for release()
        self._upstream = upstream
        self._request: bytes | None = None
        self._release = threading.Event()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(self.path))
        self._server.listen(16)
        threading.Thread(target=self._accept, daemon=True, name="docker-front").start()

    @property
    def docker_host(self) -> str:
        return f"unix://{self.path}"

    def hold(self, request: str) -> None:
        """Hold the answer to the next request whose request line contains `request`
        (e.g. "/containers/create")."""
        self._release.clear()
        self.holding.clear()
        self._request = request.encode()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self.release()
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            daemon.connect(self._upstream)
            held = threading.Event()  # this connection's next answer is to be held
            for source, sink, asking in ((client, daemon, True), (daemon, client, False)):
                threading.Thread(target=self._relay, args=(source, sink, held, asking), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket, held: threading.Event, asking: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if asking and self._request is not None and self._request in chunk.split(b"\r\n", 1)[0]:
                    self._request = None
                    held.set()
                elif not asking and held.is_set():
                    held.clear()
                    self.holding.set()
                    self._release.wait(HOLD_LIMIT_S)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()


@pytest.fixture
def docker_front(tmp_path: Path) -> Iterator[DockerFront]:
    """A front on the test daemon's socket; point jetllm at it with DOCKER_HOST=front.docker_host."""
    upstream = daemon_socket()
    if upstream is None:
        pytest.skip("the Docker daemon is reached over TCP here; the front relays a unix socket")
    front = DockerFront(tmp_path, upstream)
    yield front
    front.close()
