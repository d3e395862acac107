"""A copy of the jetllm package with some of its shipped files replaced: how a
test sees what a broken install or a bad data file does, without touching the
real one. Run the CLI with PYTHONPATH and cwd set to the returned folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import jetllm

PACKAGE = Path(jetllm.__file__).resolve().parent


def package_with(folder: Path, files: dict[str, str]) -> Path:
    """`folder`/jetllm: the package, with `files` (paths inside it -> text) replaced."""
    shutil.copytree(PACKAGE, folder / "jetllm", ignore=shutil.ignore_patterns("__pycache__"))
    for relative, text in files.items():
        (folder / "jetllm" / relative).write_text(text)
    return folder
