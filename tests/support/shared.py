"""Material the project keeps beside the repository, in shared/ (the labelled
corpus of real logs, reference data): the one place tests and benchmarks find it.
JETLLM_SHARED names another place."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.needs import unavailable

SHARED_ENV = "JETLLM_SHARED"
REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """$JETLLM_SHARED, else shared/ beside the repository."""
    return Path(os.environ.get(SHARED_ENV) or REPO.parent / "shared")


def shared_path(*parts: str) -> Path:
    """A path under shared/ that a test needs: missing, the test is skipped here and fails in CI."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        unavailable(f"{path} is missing: shared material beside the repository ({SHARED_ENV} names another place)")
    return path
