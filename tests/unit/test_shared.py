"""Tests find the material beside the repository (shared/) one way: JETLLM_SHARED
names another place, and where it is missing a test is skipped here and fails in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.shared import REPO

READS_SHARED = "tests/unit/test_facts.py::test_shipped_table_matches_reference_where_jtop_has_an_entry"


def _pytest(shared: Path, ci: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"JETLLM_SHARED": str(shared), **({"CI": "1"} if ci else {})})
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", READS_SHARED],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    return done.stdout.strip().splitlines()[-1]


def test_missing_shared_material_is_skipped_here_and_fails_in_ci(tmp_path: Path) -> None:
    assert "1 skipped" in _pytest(tmp_path / "nothing", ci=False)
    assert "1 failed" in _pytest(tmp_path / "nothing", ci=True)


def test_jetllm_shared_names_another_place(tmp_path: Path) -> None:
    """Reference data there that disagrees with the shipped table: the test read it, and fails."""
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "reference-data.yaml").write_text("l4t_to_jetpack:\n  '36.4.3': {jetpack: '0.0'}\n")
    assert "1 failed" in _pytest(tmp_path, ci=False)
