"""Nothing leaks: no host system path mounted read-write, never Docker's socket,
and no secret in any output of a bring-up (files, JSON, terminal)."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends.images import fakellm_image, replay_image
from tests.integration.try_support import containers_of, write_profile

pytestmark = [pytest.mark.docker]


@pytest.fixture(scope="module")
def image(docker_client: Any) -> str:
    return fakellm_image(docker_client)


@pytest.mark.parametrize(("source", "read_only"), [
    ("/", False), ("/", True), ("/etc", False), ("/etc/ssl/", False), ("/usr/lib", False), ("/lib64", False),
    ("/proc", False), ("/dev", False), ("~", False), ("/var/run/docker.sock", True), ("/run/docker.sock", False),
    ("/run", True), ("/var/run", True),
], ids=str)
def test_a_profile_that_mounts_the_host_is_refused(jetllm, docker_client, image, tmp_path, source, read_only):
    volume = {"source": source, "target": "/host", **({"read_only": True} if read_only else {})}
    profile, name = write_profile(tmp_path, extra={"volumes": [volume]})
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jetllm: error: ") and "Traceback" not in result.stderr
    assert profile.name in lines[0] and "field 'volumes.0.source'" in lines[0] and f"'{source}'" in lines[0]
    as_json = jetllm("try", "--profile", str(profile), "--image", image, "--json")
    assert as_json.exit_code == 2 and as_json.errors()[0]["class"] == "usage_error"
    assert f"'{source}'" in as_json.errors()[0]["message"]
    assert containers_of(docker_client, backend=name) == []


def test_a_docker_socket_behind_a_symlink_or_in_a_variant_is_refused(jetllm, image, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to("/var/run")
    profile, _ = write_profile(tmp_path, extra={"volumes": [{"source": str(link), "target": "/x", "read_only": True}]})
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and "Docker's socket" in result.stderr
    profile, _ = write_profile(tmp_path)
    text = profile.read_text().replace("- image: jetllm-fixture/fakellm:latest",
                                       "- image: jetllm-fixture/fakellm:latest\n    volumes: [{source: /etc, target: /e}]", 1)
    profile.write_text(text)
    result = jetllm("try", "--profile", str(profile), "--image", image)
    assert result.exit_code == 2 and "field 'images." in result.stderr and "'/etc'" in result.stderr


@pytest.mark.timeout(120)
def test_a_system_path_marked_read_only_is_mounted_with_a_warning(jetllm, docker_client, image, tmp_path):
    profile, name = write_profile(tmp_path, extra={"volumes": [{"source": "/etc", "target": "/host-etc",
                                                                "read_only": True}]})
    result = jetllm("try", "--profile", str(profile), "--image", image, "--json")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("jetllm: warning: ")]
    assert len(warnings) == 1 and profile.name in warnings[0] and "'/etc'" in warnings[0]
    assert "read-only" in warnings[0]
    assert result.data()["outcome"] == "ready"
    assert containers_of(docker_client, backend=name) == []


def test_a_home_subfolder_and_a_named_volume_are_fine(jetllm, image, tmp_path):
    models = Path(os.path.expanduser("~")) / ".cache"
    profile, _ = write_profile(tmp_path, extra={"volumes": [
        {"source": str(models), "target": "/cache", "read_only": True},
        {"source": "jetllm-test-nothing", "target": "/data"}]})
    result = jetllm("profiles", "show", str(profile))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def _token(prefix: str, length: int, alphabet: str = "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC") -> str:
    """A value of a token format, unique to this run."""
    seed = uuid.uuid4().hex
    body = "".join(alphabet[int(c, 16) % len(alphabet)] for c in (seed * 8))
    return prefix + body[:length]


def _secrets() -> dict[str, str]:
    jwt = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI" + _token("", 24) + "In0."
           + _token("", 43))
    return {
        # by name, in the profile's env and in the user's environment
        "WANDB_KEY": "wandb-" + uuid.uuid4().hex, "OPENAI_KEY": "openai-" + uuid.uuid4().hex,
        "HF_TOKEN": _token("hf_", 34, "AbCdEfGhIjKlMnOpQrStUvWxYz"),
        # by shape, in the profile's env
        "HF_NOTE": _token("sk-proj-", 74) + "T3BlbkFJ" + _token("", 74),
        # a literal in the profile's command
        "api_key": "literal-" + uuid.uuid4().hex,
        # by shape, only in the container's log
        "sk": _token("sk-", 20) + "T3BlbkFJ" + _token("", 20), "hf": _token("hf_", 34, "QwErTyUiOpAsDfGhJkLzXcVbNm"),
        **{p: _token(p, 36) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")},
        "github_pat": _token("github_pat_11", 20) + "_" + _token("", 59), "glpat": _token("glpat-", 20),
        "aws": _token("AKIA", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        "slack": "xoxb-1234567890-1234567890123-" + _token("", 24), "jwt": jwt,
        "bearer": _token("", 40), "flag": "flag-" + uuid.uuid4().hex, "equals": "equals-" + uuid.uuid4().hex,
        "password": "pw-" + uuid.uuid4().hex[:12], "cut": jwt.replace("eyJzdWIiOiI", "eyJpc3MiOiI"),
        "evidence": "evidence-" + uuid.uuid4().hex,
    }


def _log(s: dict[str, str]) -> str:
    """A backend's failed start that prints secrets of every shape."""
    shapes = " ".join(s[k] for k in ("sk", "hf", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "glpat",
                                     "aws", "slack"))
    long_line = "INFO " + "x " * 987 + s["cut"] + " end"  # the 2000-character cut falls inside the JWT
    assert long_line.index(s["cut"]) + 12 < 2000 < long_line.index(s["cut"]) + s["cut"].index(".")
    return "\n".join([
        f"INFO starting with --api-key {s['flag']} --token={s['equals']}",
        f"INFO fetching https://deploy:{s['password']}@models.example/v2/ with Authorization: Bearer {s['bearer']}",
        f"DEBUG credentials seen: {shapes} session {s['jwt']}",
        long_line,
        f"ImportError: libcudart.so.12: cannot open shared object file: No such file or directory (api_key={s['evidence']})",
    ]) + "\n"


def _profile(tmp_path: Path, image: str, args: list[Any] | None = None, **fields: Any) -> tuple[Path, str]:
    images = {"cpu": [{"image": image}], "x86_64": [{"image": image}], "jetson": [{"image": image, "l4t": "36.4"}]}
    return write_profile(tmp_path, args=args, extra={"images": images, **fields})


def _leaked(secrets: dict[str, str], *texts: str) -> list[str]:
    """The secrets any of `texts` shows, whole or by their first 12 characters."""
    return [name for name, value in secrets.items() if any(value[:12] in text for text in texts)]


@pytest.mark.timeout(240)
def test_no_secret_in_any_output(jetllm, docker_client, image, tmp_path):
    s = _secrets()
    works, works_name = _profile(tmp_path, image, args=[["--api-key", s["api_key"]]],
                                 env={"WANDB_KEY": s["WANDB_KEY"], "OPENAI_KEY": s["OPENAI_KEY"], "HF_NOTE": s["HF_NOTE"]})
    fails, _ = _profile(tmp_path, replay_image(docker_client, _log(s)))
    env = {"HF_TOKEN": s["HF_TOKEN"], "JETLLM_CACHE_DIR": str(tmp_path / "cache")}
    raw_log = tmp_path / "backend.log"
    raw_log.write_text(_log(s))
    outputs: list[str] = []
    runs = {
        "bringup --json": ["bringup", "--profile", str(works), "--profile", str(fails), "--out", str(tmp_path / "r"),
                           "--junit", str(tmp_path / "smoke.xml"), "--json"],
        "bringup": ["bringup", "--profile", str(works), "--profile", str(fails), "--out", str(tmp_path / "r2")],
        "try --json": ["try", "--profile", str(fails), "--json"],
        "try": ["try", "--profile", str(works)],
        "report": ["report", str(tmp_path / "r")], "report --json": ["report", str(tmp_path / "r"), "--json"],
        "report --md": ["report", str(tmp_path / "r"), "--md"],
        "classify": ["classify", str(raw_log)], "classify --json": ["classify", str(raw_log), "--json"],
    }
    for what, args in runs.items():
        result = jetllm(*args, env=env, timeout=200)
        assert result.exit_code in (0, 1), (what, result.stderr)
        assert _leaked(s, result.stdout, result.stderr) == [], what
        outputs.append(result.stdout)
    # It did reach the backend and the files: masked, not missing.
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["status"] == "works" and report["winner"] == works_name
    lines = [line for c in report["candidates"] for a in c["attempts"] for line in a["log_tail"]]
    assert any("'api_key': ['***']" in line for line in lines) and any("WANDB_KEY=***" in line for line in lines)
    files = [p for p in (tmp_path / "r").rglob("*") if p.is_file() and p.name != ".env"]
    assert {p.name for p in files} >= {"report.json", "report.md", "docker-compose.yml"}
    assert any(p.parent.name == "logs" for p in files)
    for path in [*files, tmp_path / "smoke.xml"]:
        assert _leaked(s, path.read_text()) == [], path
    env_file = tmp_path / "r" / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600 and "# JETLLM_API_KEY=" in env_file.read_text()
    compose = (tmp_path / "r" / "docker-compose.yml").read_text()
    assert "--api-key" in compose and "${JETLLM_API_KEY}" in compose and "${WANDB_KEY}" in compose
    assert "***" in outputs[-1] and "libcudart" in outputs[-1]  # classify shows the line, masked
    assert containers_of(docker_client, backend=works_name) == []
