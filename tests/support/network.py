"""No test reaches past this machine, and the suite proves it.

In the test process, socket connects to anything but loopback (or a unix
socket) are refused and recorded. CLI subprocesses get HTTP(S)_PROXY and
ALL_PROXY pointing at a RecordingProxy on 127.0.0.1, which refuses and records
every request and CONNECT; NO_PROXY keeps 127.0.0.1 (the local registry, the
containers' published ports) direct. tests/conftest.py wires both and fails
the session if either recorded anything.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import socketserver
import threading
from typing import Any

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
NO_PROXY = "127.0.0.1,localhost,::1"
REFUSAL = b"jetllm tests: no traffic leaves this machine\n"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also IPv4-mapped) or the name localhost; any other name is not."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


class OffMachineConnection(ConnectionRefusedError):
    """A connection to another machine, refused by the test suite."""


class SocketGuard:
    """Wraps socket.socket.connect/connect_ex and socket.create_connection:
    a connect to a non-loopback address is refused and kept in `attempts`."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: dict[str, Any] = {}

    def _refuse(self, where: str) -> OffMachineConnection:
        self.attempts.append(where)
        return OffMachineConnection(f"jetllm tests: no connection leaves this machine ({where})")

    def _checked(self, sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host = str(address[0])
            if not is_loopback(host):
                raise self._refuse(f"connect {host}:{address[1]}")

    def install(self) -> None:
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        create_connection = socket.create_connection
        self._saved = {"connect": connect, "connect_ex": connect_ex, "create_connection": create_connection}
        guard = self

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            guard._checked(sock, address)
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            guard._checked(sock, address)
            return connect_ex(sock, address)

        def guarded_create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            if not is_loopback(str(address[0])):  # before any name lookup
                raise guard._refuse(f"create_connection {address[0]}:{address[1]}")
            return create_connection(address, *args, **kwargs)

        socket.socket.connect = guarded_connect
        socket.socket.connect_ex = guarded_connect_ex
        socket.create_connection = guarded_create_connection

    def uninstall(self) -> None:
        if self._saved:
            socket.socket.connect = self._saved["connect"]
            socket.socket.connect_ex = self._saved["connect_ex"]
            socket.create_connection = self._saved["create_connection"]
            self._saved = {}


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that forwards nothing: every request or CONNECT
    is answered 403 and recorded as "METHOD TARGET"."""

    def __init__(self) -> None:
        self.records: list[str] = []
        self._lock = threading.Lock()
        record = self._record

        class Handler(socketserver.StreamRequestHandler):
            timeout = 10

            def handle(self) -> None:
                try:
                    line = self.rfile.readline(8192).decode("latin-1").strip()
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass
                except OSError:
                    return
                if not line:
                    return
                record(" ".join(line.split()[:2]))
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                                 + f"Content-Length: {len(REFUSAL)}\r\nConnection: close\r\n\r\n".encode()
                                 + REFUSAL)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _record(self, entry: str) -> None:
        with self._lock:
            self.records.append(entry)

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take(self, host: str) -> list[str]:
        """Remove and return the records naming `host` (a test that sends traffic there on purpose)."""
        with self._lock:
            mine = [r for r in self.records if host in r]
            self.records[:] = [r for r in self.records if host not in r]
        return mine

    def environment(self) -> dict[str, str]:
        return {**dict.fromkeys(PROXY_VARIABLES, self.url), "NO_PROXY": NO_PROXY, "no_proxy": NO_PROXY}


def without_proxy(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this process's) without the proxy variables."""
    source = os.environ if env is None else env
    return {k: v for k, v in source.items() if k not in PROXY_VARIABLES}
