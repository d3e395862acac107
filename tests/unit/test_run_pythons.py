"""tests/run-pythons, which CI runs: the unit tests under every Python version
the package declares, the versions read from its classifiers, so a declared
version cannot go untested. Interpreters here are stand-ins (a script that
answers the version question), in a pyenv tree and on a PATH of our own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib.metadata import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "run-pythons"
TOOLS = ("bash", "sed", "ls", "sort", "dirname")  # what the script calls in --list mode


def declared() -> list[str]:
    """The versions the installed package's metadata declares."""
    classifiers = metadata("jetllm").get_all("Classifier") or []
    found = [m.group(1) for c in classifiers if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))]
    return sorted(found, key=lambda v: tuple(map(int, v.split("."))))


def fake_python(path: Path, says: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {says}\n")
    path.chmod(0o755)
    return path


def run_list(tmp_path: Path, ci: bool, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is not installed"
        if not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    path = f"{extra_path}:{bin_dir}" if extra_path else str(bin_dir)
    env.update(PATH=path, PYENV_ROOT=str(tmp_path / "pyenv"), **({"CI": "1"} if ci else {}))
    return subprocess.run([str(SCRIPT), "--list"], capture_output=True, text=True, env=env, timeout=60)


def test_declared_versions_start_at_the_floor() -> None:
    versions = declared()
    floor = metadata("jetllm")["Requires-Python"]
    assert floor == ">=3.10"
    assert versions[0] == "3.10"
    assert {"3.10", "3.11", "3.12"} <= set(versions)  # JetPack 6 has 3.10, JetPack 7 has 3.12


def test_every_declared_version_gets_the_newest_interpreter(tmp_path: Path) -> None:
    versions = declared()
    for version in versions:
        fake_python(tmp_path / "pyenv" / "versions" / f"{version}.2" / "bin" / "python", version)
        fake_python(tmp_path / "pyenv" / "versions" / f"{version}.13" / "bin" / "python", version)
    done = run_list(tmp_path, ci=True)
    assert done.returncode == 0, done.stderr
    listed = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert list(listed) == versions
    for version, python in listed.items():
        assert python == str(tmp_path / "pyenv" / "versions" / f"{version}.13" / "bin" / "python")


def test_a_missing_interpreter_fails_under_ci_and_is_skipped_outside(tmp_path: Path) -> None:
    *present, missing = declared()
    for version in present:
        fake_python(tmp_path / "pyenv" / "versions" / f"{version}.0" / "bin" / "python", version)
    # A pyenv shim for a version not selected answers, but not as that version.
    shims = tmp_path / "shims"
    fake_python(shims / f"python{missing}", "3.9")

    in_ci = run_list(tmp_path, ci=True, extra_path=shims)
    assert in_ci.returncode == 1
    assert f"FAIL  Python {missing} is declared in pyproject.toml but not installed" in in_ci.stderr
    assert [line.split()[0] for line in in_ci.stdout.splitlines()] == present

    outside = run_list(tmp_path, ci=False, extra_path=shims)
    assert outside.returncode == 0, outside.stderr
    assert f"skip  Python {missing}: not installed" in outside.stderr


def test_an_interpreter_on_path_serves_when_pyenv_has_none(tmp_path: Path) -> None:
    versions = declared()
    on_path = tmp_path / "usr-bin"
    for version in versions:
        fake_python(on_path / f"python{version}", version)
    done = run_list(tmp_path, ci=True, extra_path=on_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{v} {on_path / f'python{v}'}" for v in versions]


def test_ci_runs_it_before_the_main_suite() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "tests/run-pythons" in ci
    assert ci.index("tests/run-pythons") < ci.index("exec tests/run\n")
