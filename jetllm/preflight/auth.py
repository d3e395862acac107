"""Registry credentials the way Docker keeps them: a credential helper
(credHelpers / credsStore in config.json) or a base64 "user:password" in auths.
Nothing here is ever printed or logged."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path


def _config() -> dict[str, object]:
    directory = os.environ.get("DOCKER_CONFIG") or str(Path.home() / ".docker")
    try:
        loaded = json.loads((Path(directory) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _helper(name: str, server: str) -> tuple[str, str] | None:
    try:
        done = subprocess.run(
            [f"docker-credential-{name}", "get"], input=server, capture_output=True, text=True, timeout=15
        )
        answer = json.loads(done.stdout) if done.returncode == 0 else {}
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    user, secret = answer.get("Username"), answer.get("Secret")
    return (str(user), str(secret)) if user and secret else None


def credentials(key: str) -> tuple[str, str] | None:
    """(user, secret) for a registry key ("ghcr.io", "https://index.docker.io/v1/"), if logged in."""
    config = _config()
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict) and isinstance(helpers.get(key), str):
        return _helper(str(helpers[key]), key)
    auths = config.get("auths")
    entry = auths.get(key) if isinstance(auths, dict) else None
    if isinstance(entry, dict) and isinstance(entry.get("auth"), str):
        try:
            user, _, secret = base64.b64decode(entry["auth"]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if user and secret:
            return user, secret
    store = config.get("credsStore")
    if isinstance(store, str) and store:
        return _helper(store, key)
    return None
