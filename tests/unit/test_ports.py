"""A host port the user names is used as it is, or refused when taken."""

from __future__ import annotations

import socket

import pytest

from jetllm.core.errors import JetllmError
from jetllm.core.exitcodes import ExitCode
from jetllm.runtime.ports import require_free


def test_a_taken_port_is_a_port_in_use_finding() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(JetllmError) as caught:
            require_free(port)
    assert caught.value.failure_class == "port_in_use"
    assert caught.value.exit_code == ExitCode.NOT_WORKING
    assert f"ss -ltnp 'sport = :{port}'" in (caught.value.fix or "")
    require_free(port)  # released: nothing to say
