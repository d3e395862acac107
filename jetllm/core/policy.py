"""When an image is pulled: `--pull missing|always|never` (docker run's words)."""

from __future__ import annotations

PULL_POLICIES = ("missing", "always", "never")
