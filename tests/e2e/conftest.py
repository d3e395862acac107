"""Session fixtures for the end-to-end tests: a real llama-server image (built
from the llama-cpp-python sdist, FROM scratch) and a tiny GGUF model, both
cached by what they are made from (tests/support/llama_server.py).

The first build takes about ten minutes on two cores (later runs reuse the
image); `python -m tests.support.llama_server` does it ahead of the tests.
Locally, a machine without cmake or a C++ compiler skips these tests;
in CI (CI set) that is a failure.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import llama_server
from tests.support.needs import unavailable
from tests.support.terminal import to_terminal


def _say(config: pytest.Config) -> llama_server.Say:
    return to_terminal(config, "[llama-server tooling]")


@pytest.fixture(scope="session")
def llama_sdist(pytestconfig: pytest.Config) -> Path:
    try:
        return llama_server.fetch_sdist(say=_say(pytestconfig))
    except Exception as exc:
        unavailable(f"cannot fetch the llama-cpp-python sdist from PyPI: {exc}")
        raise


@pytest.fixture(scope="session")
def llama_server_image(docker_client: object, llama_sdist: Path, pytestconfig: pytest.Config) -> str:
    """Tag of the FROM scratch image holding a static llama-server at /app/llama-server;
    the first build (about ten minutes) shows its progress on the terminal."""
    import docker

    assert isinstance(docker_client, docker.DockerClient)
    tag = llama_server.image_tag(llama_sdist)
    if not llama_server.image_exists(docker_client, tag):
        missing = [tool for tool in ("cmake", "c++", "make") if shutil.which(tool) is None]
        if missing:
            unavailable(f"building llama-server needs {', '.join(missing)} (Debian: build-essential cmake)")
    return llama_server.server_image(docker_client, llama_sdist, say=_say(pytestconfig))


@pytest.fixture(scope="session")
def tiny_gguf(llama_sdist: Path) -> Path:
    """A 9 MB llama GGUF (2 layers, 64 wide, random weights, a real tokenizer)."""
    return llama_server.tiny_model(llama_sdist)
