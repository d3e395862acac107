"""Docker's stored logins as preflight finds them: config.json (DOCKER_CONFIG)
and credential helpers, which are programs on PATH (docker-credential-NAME)."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from jetllm.core.reference import parse
from jetllm.preflight.auth import Login, credentials


@pytest.fixture
def docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write config.json; helper(name, username, secret) installs a credential helper
    that answers that login and keeps the server it was asked for."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")

    def write(config: dict[str, object]) -> None:
        (tmp_path / "config.json").write_text(json.dumps(config))

    def helper(name: str, username: str, secret: str) -> Path:
        asked = tmp_path / f"{name}.asked"
        script = tmp_path / f"docker-credential-{name}"
        answer = json.dumps({"ServerURL": "", "Username": username, "Secret": secret})
        script.write_text(f"#!/bin/sh\n[ \"$1\" = get ] || exit 1\ncat > {asked}\necho '{answer}'\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        return asked

    write.helper = helper  # type: ignore[attr-defined]
    return write


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_user_and_password_in_auths(docker_config) -> None:
    docker_config({"auths": {"ghcr.io": {"auth": _basic("me", "s3cret")},
                             "https://index.docker.io/v1/": {"auth": _basic("hub-user", "hub-pass")}}})
    assert credentials("ghcr.io") == Login(user="me", password="s3cret")
    assert credentials(parse("vllm/vllm-openai:latest").auth_key) == Login(user="hub-user", password="hub-pass")
    assert credentials("nvcr.io") is None


def test_identity_token_in_auths_is_no_password(docker_config) -> None:
    docker_config({"auths": {"ghcr.io": {"auth": _basic("me", "ignored"), "identitytoken": "refresh-123"}}})
    assert credentials("ghcr.io") == Login(identity_token="refresh-123")


def test_credential_helper_answers_for_its_registry(docker_config) -> None:
    asked = docker_config.helper("corp", "robot", "robot-pass")
    docker_config({"credHelpers": {"registry.corp.example": "corp"}})
    assert credentials("registry.corp.example") == Login(user="robot", password="robot-pass")
    assert asked.read_text().strip() == "registry.corp.example"


def test_identity_token_from_a_credential_store(docker_config) -> None:
    """A helper hands an identity token out as the user "<token>": it is no user name."""
    asked = docker_config.helper("desktop", "<token>", "refresh-456")
    docker_config({"credsStore": "desktop"})
    assert credentials(parse("ollama/ollama").auth_key) == Login(identity_token="refresh-456")
    assert asked.read_text().strip() == "https://index.docker.io/v1/"  # Docker Hub's key in a store


@pytest.mark.parametrize("config", ['{"auths": {"ghcr.io": "not a mapping"}}', '{"auths": {"ghcr.io": {"auth": "%%%"}}}',
                                    "{not json"])
def test_a_config_that_cannot_be_read_is_no_login(docker_config, tmp_path: Path, config: str) -> None:
    (tmp_path / "config.json").write_text(config)
    assert credentials("ghcr.io") is None


@pytest.mark.filterwarnings("error")  # and says nothing about it
def test_a_missing_helper_is_no_login(docker_config) -> None:
    docker_config({"credHelpers": {"ghcr.io": "nowhere"}})
    assert credentials("ghcr.io") is None
