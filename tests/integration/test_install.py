"""README's install commands, run as written on a copy of the repository, on a
machine whose only python3 is 3.8 (JetPack 5): the plain pip command is
refused for the Python version, and the uv commands give a jetllm that runs on
Python 3.10. uv may not download a Python here (no network for that), so it
finds pyenv's 3.10 on PATH as it would find its own download on the board.
Packages come from PyPI, as for tests/run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import CliResult
from tests.support.needs import unavailable
from tests.support.network import PROXY_VARIABLES, without_proxy

pytestmark = pytest.mark.install

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "jetllm", "profiles", "probes")  # what a build reads
BLOCK = r"<!-- {name}(?::[^>]*)? -->\n```\n(.*?)```\n<!-- /{name} -->"


def readme_commands(name: str) -> list[str]:
    """The command lines README.md gives between its <!-- NAME --> markers."""
    found = re.search(BLOCK.format(name=re.escape(name)), (REPO / "README.md").read_text(), re.S)
    assert found, f"README.md has no <!-- {name} --> block"
    return [line for line in found.group(1).splitlines() if line.strip()]


def pyenv_python(version: str) -> Path:
    """The newest pyenv Python X.Y (the tests cannot install one)."""
    pyenv = shutil.which("pyenv")
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip() if pyenv else ""
    root = root or os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = sorted(Path(root, "versions").glob(f"{version}.*/bin/python{version}"),
                   key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)])
    if not found:
        unavailable(f"no Python {version} from pyenv in {root}/versions (`pyenv install {version}`)")
    return found[-1]


@pytest.fixture
def jetpack5(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A clone of the repository, and an environment whose PATH holds Python 3.8
    as python3 and pip3, and Python 3.10 as python3.10 only."""
    clone = tmp_path / "jetllm"
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            clone.mkdir(exist_ok=True)
            shutil.copy(source, clone / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    py38, py310 = pyenv_python("3.8"), pyenv_python("3.10")
    (bin_dir / "python3").symlink_to(py38)
    (bin_dir / "pip3").symlink_to(py38.parent / "pip3")
    (bin_dir / "python3.10").symlink_to(py310)
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PYTHON", "CONDA_PREFIX")
    # Installing is the one step that reaches the package index, as it does for a
    # user: pip and uv run without the test session's refusing proxy (jetllm itself,
    # run at the end, reaches nothing off the machine).
    env = {k: v for k, v in without_proxy().items() if k not in drop and not k.startswith("PYENV")}
    env.update(
        PATH=str(bin_dir),
        PYTHONUSERBASE=str(tmp_path / "user"),  # pip --user installs here, not in ~/.local
        UV_CACHE_DIR=str(tmp_path / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        NO_COLOR="1",
    )
    return clone, env


def sh(line: str, clone: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([shutil.which("bash") or "/bin/bash", "-c", line], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=300)


def test_jetpack5_pip_refuses_then_uv_installs(jetpack5: tuple[Path, dict[str, str]]) -> None:
    clone, env = jetpack5
    python3 = sh("python3 --version", clone, env)
    assert python3.stdout.startswith("Python 3.8."), python3

    # (a) the plain install: pip on Python 3.8 refuses, naming the version it needs
    (plain,) = readme_commands("install")
    refused = sh(plain, clone, env)
    assert refused.returncode != 0
    assert "requires a different Python: 3.8." in refused.stderr
    assert "not in '>=3.10'" in refused.stderr
    shutil.rmtree(clone / ".venv")

    # (b) README's JetPack 5 commands, line by line as a user types them
    lines = readme_commands("install-jetpack5")
    assert any("--python 3.10" in line for line in lines)
    for line in lines:
        done = sh(line, clone, env)
        if line.startswith(".venv/bin/jetllm doctor"):
            # 1 when a check fails (no NVIDIA driver on a test machine); the report is printed
            assert done.returncode in (0, 1), done.stderr
            assert "leftover-containers" in done.stdout
        else:
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"

    # jetllm itself runs behind the session's refusing proxy again
    env = {**env, **{k: v for k, v in os.environ.items() if k in PROXY_VARIABLES}}
    venv_python = sh(".venv/bin/python --version", clone, env)
    assert venv_python.stdout.startswith("Python 3.10."), venv_python
    version = sh(".venv/bin/jetllm --version", clone, env)
    assert version.returncode == 0 and version.stdout.startswith("jetllm "), version
    # The wheel ships the tool, not what only tests and benchmarks use (numpy came with gguf).
    shipped = ("import importlib.util as u, pathlib, jetllm; p = pathlib.Path(jetllm.__file__).parent; "
               "print(*sorted(n for n in ('numpy', 'gguf') if u.find_spec(n)), "
               "*sorted(str(f.relative_to(p)) for f in p.rglob('*') if f.stem in ('bench', 'corpus', 'noise', 'probes')))")
    extra = sh(f'.venv/bin/python -c "{shipped}"', clone, env)
    assert extra.returncode == 0 and extra.stdout.split() == [], extra
    doctor = sh(".venv/bin/jetllm doctor --json", clone, env)
    assert doctor.returncode in (0, 1), doctor.stderr
    document = CliResult(doctor.returncode, doctor.stdout, doctor.stderr).data()
    assert document["facts"]["platform"]["arch"]
    assert {check["id"] for check in document["checks"]} >= {"docker", "leftover-containers"}
