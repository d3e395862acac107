"""Registry credentials the way Docker keeps them (credHelpers, credsStore and
auths in config.json), looked up by docker-py. Nothing here is ever printed or
logged."""

from __future__ import annotations

import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Login:
    """A user and password, or an identity token: the OAuth2 refresh token that a
    `docker login` through a browser or an SSO leaves, which is no password."""

    user: str | None = None
    password: str | None = None
    identity_token: str | None = None


def credentials(registry: str) -> Login | None:
    """The stored login for a registry ("docker.io", "ghcr.io", "host:5000"), if any.
    A config.json or a credential helper that cannot be read counts as no login."""
    from docker.auth import load_config
    from docker.errors import DockerException

    try:
        with warnings.catch_warnings():  # a helper not installed: docker-py warns on stderr
            warnings.simplefilter("ignore")
            found = load_config().resolve_authconfig(registry)
    except (DockerException, ValueError, KeyError):
        return None
    if not found:
        return None
    if found.get("IdentityToken"):
        return Login(identity_token=str(found["IdentityToken"]))
    # auths entries come back as username/password, credential helpers' as Username/Password.
    user, password = found.get("Username") or found.get("username"), found.get("Password") or found.get("password")
    return Login(user=str(user), password=str(password)) if user and password else None
