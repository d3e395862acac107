"""`jetllm classify` as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from jetllm.classify.catalog import BACKENDS, backend_name
from tests.support.cli import jetllm_command
from tests.support.needs import as_nobody

REPO = Path(__file__).resolve().parents[2]

JSON_KEYS = {"class", "cause", "evidence", "fix", "retry_smaller"}


def test_json_document(cli, fixtures_dir: Path) -> None:
    result = cli("classify", str(fixtures_dir / "logs" / "vllm-jetson-nvml-assert.log"), "--json", "--platform", "jetson")
    assert result.exit_code == 0, result.stderr
    doc = result.data()
    assert set(doc) == JSON_KEYS
    assert doc["class"] == "cuda_allocator_assert" and doc["retry_smaller"] == "yes"
    assert doc["evidence"] and set(doc["evidence"][0]) == {"line", "text"}
    assert "PYTORCH_NO_CUDA_MEMORY_CACHING" in doc["fix"]


def test_human_output(cli, fixtures_dir: Path) -> None:
    result = cli("classify", str(fixtures_dir / "logs" / "ollama-kv-cache-oom.log"), "--backend", "ollama", "--platform", "x86")
    assert result.exit_code == 0, result.stderr
    for word in ("class", "kv_cache_insufficient", "cause", "evidence", "fix", "retry_smaller"):
        assert word in result.stdout
    assert "failed to allocate buffer for kv cache" in result.stdout


def test_stdin_and_exit_state(cli) -> None:
    result = cli("classify", "-", "--exit-code", "137", "--oom-killed", "--json", stdin="loading model\n")
    assert result.exit_code == 0 and result.data()["class"] == "host_oom_killed"


@pytest.mark.parametrize(("host", "platform"), [("orin-nx-r36.4.3", "jetson"), ("xavier-nx-r35.4.1", "jetson"),
                                              (None, "x86")])
def test_the_default_platform_is_the_host_doctor_sees(cli, fixtures_dir: Path, tmp_path: Path,
                                                     host: str | None, platform: str) -> None:
    """No --platform: the fix is the one for the host JETLLM_HOST_ROOT shows, as doctor reads it."""
    log = str(fixtures_dir / "logs" / "vllm-jetson-nvml-assert.log")
    root = fixtures_dir / "hosts" / host if host else tmp_path
    found = cli("classify", log, "--json", env={"JETLLM_HOST_ROOT": str(root)})
    told = cli("classify", log, "--json", "--platform", platform)
    assert found.exit_code == told.exit_code == 0, found.stderr
    assert found.data() == told.data()


@pytest.mark.parametrize(("args", "expected"), [
    ((), "unknown"),  # no readiness line, no failure: no evidence either way
    (("--ready",), "none"),  # the caller saw it serve
    (("--ready", "--exit-code", "0"), "none"),
    (("--exit-code", "0"), "unknown"),  # exited cleanly without serving: its command returned
    (("--ready", "--exit-code", "1"), "unknown"),  # served, then crashed
    (("--exit-code", "137"), "host_oom_killed"),
    (("--exit-code", "137", "--timed-out"), "startup_timeout"),
])  # fmt: skip
def test_what_the_caller_knows_decides_a_log_with_no_cause(cli, args: tuple[str, ...], expected: str) -> None:
    log = "llama_model_loader: loaded meta data with 30 key-value pairs\nload_tensors: offloaded 33/33 layers to GPU\n"
    result = cli("classify", "-", "--json", *args, stdin=log)
    assert result.exit_code == 0, result.stderr
    assert result.data()["class"] == expected


def test_ready_does_not_hide_a_failure_in_the_log(cli) -> None:
    log = "INFO:     Application startup complete.\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n"
    result = cli("classify", "-", "--json", "--ready", "--platform", "x86", stdin=log)
    assert result.exit_code == 0 and result.data()["class"] == "gpu_oom"


def test_healthy_log_is_none(cli, fixtures_dir: Path) -> None:
    result = cli("classify", str(fixtures_dir / "logs" / "vllm-healthy.log"), "--json")
    assert result.exit_code == 0 and result.data()["class"] == "none"


@pytest.mark.parametrize(
    "args",
    [
        ("classify", "/no/such/file.log"),
        ("classify", "."),
        ("classify", "-", "--platform", "arm"),
        ("classify", "-", "--backend", "nosuch"),
        ("classify", "-", "--backend", "any"),  # a signature's word for every backend, not a backend
        ("classify", "-", "--exit-code", "x"),
        ("classify", "-", "--exit-code", "256"),
        ("classify", "-", "--exit-code", "-1"),
        ("classify",),
    ],
)
def test_bad_input_is_exit_2_without_traceback(cli, args: tuple[str, ...]) -> None:
    result = cli(*args, stdin="")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(("given", "name"), [
    ("vllm", "vllm"), ("vLLM", "vllm"), ("llamacpp", "llama.cpp"), ("llama-server", "llama.cpp"),
    ("TRT-LLM", "tensorrt-llm"), ("trtllm", "tensorrt-llm"), ("torch", "pytorch"), ("hf", "huggingface-hub"),
    ("mlc", "mlc-llm"), ("nvidia-container-toolkit", "nvidia-container-toolkit"), ("any", None), ("llama", None),
])
def test_backend_names_and_aliases(given: str, name: str | None) -> None:
    assert backend_name(given) == name
    assert name is None or name in BACKENDS  # a name --backend takes is one a signature may name


def test_unreadable_file_is_exit_2() -> None:
    folder = Path(tempfile.mkdtemp(prefix="jetllm-classify-"))
    folder.chmod(0o755)  # reachable by anyone; only the file is not readable
    log = folder / "secret.log"
    log.write_text("x\n")
    log.chmod(0)
    command = as_nobody([*jetllm_command(), "classify", str(log)])  # root reads any file
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"}, cwd=REPO)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert done.returncode == 2, done.stderr
    assert "cannot read" in done.stderr and "permission denied" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# Secrets on the very lines that name the cause: classify prints those lines.
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSJ9."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
OOM = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"
SECRETS = {"plain": "plain-flag-value-77", "password": "pa55-w0rd-x1", "openai": "sk-proj-" + "Ab9" * 30,
           "bearer": "beArEr-" + "z8" * 12, "jwt": JWT}


def leaky_log() -> str:
    s = SECRETS
    first = (f"{OOM} serving --api-key {s['plain']} via https://bob:{s['password']}@proxy.local "
             f"key {s['openai']} Authorization: Bearer {s['bearer']}")
    window_edge = f"{OOM} " + "y" * (290 - len(OOM) - 11) + " session " + JWT  # the 300-character excerpt ends inside it
    head_edge = "w " * 1950 + f"{OOM} " + "v" * 103 + " " + JWT + " " + "u" * 9000  # a line cut at 4096 bytes inside it
    assert head_edge.index(JWT) < 4096 < head_edge.index(JWT) + JWT.index(".")
    return "\n".join(["loading model", first, window_edge, head_edge, "done"]) + "\n"


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_evidence_never_shows_a_secret(jetllm, tmp_path: Path, as_json: bool) -> None:
    log = tmp_path / "leaky.log"
    log.write_text(leaky_log())
    result = jetllm("classify", str(log), "--platform", "x86", *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.stderr
    if as_json:
        assert result.data()["class"] == "gpu_oom" and len(result.data()["evidence"]) == 3
    else:
        assert "gpu_oom" in result.stdout and "***" in result.stdout
    output = result.stdout + result.stderr
    shown = {name: v for name, v in SECRETS.items() if v[:10] in output or v[-10:] in output}
    assert shown == {}
