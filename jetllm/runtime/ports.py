"""Choosing the host port: one the user named, or the usual one when free, else any free one."""

from __future__ import annotations

import socket

from jetllm.core.errors import JetllmError


def is_free(port: int, address: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As servers (docker-proxy included) do: connections in TIME_WAIT do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def any_free(address: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int, address: str = "127.0.0.1") -> JetllmError:
    """The refusal of a port the user named that something else holds."""
    return JetllmError(
        f"port {port} is taken on {address}",
        fix=f"pass another --port, or stop what holds it (`ss -ltnp 'sport = :{port}'` names it)",
        failure_class="port_in_use",
    )


def require_free(port: int, address: str = "127.0.0.1") -> None:
    """A port the user named must be free: moving it elsewhere would surprise them."""
    if not is_free(port, address):
        raise port_in_use(port, address)


def choose(preferred: int, address: str = "127.0.0.1") -> int:
    """`preferred` if nothing holds it on `address`, else a free port the kernel picks."""
    return preferred if is_free(preferred, address) else any_free(address)


def reach_address(bound: str) -> str:
    """Where this host reaches a port published on `bound` (0.0.0.0 binds all: use loopback)."""
    return "127.0.0.1" if bound in ("", "0.0.0.0") else bound
