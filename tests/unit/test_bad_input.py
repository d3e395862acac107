"""Bad input, as a user hands it to jetllm: one line on stderr that names the
file and the field (or the flag), exit 2; never an internal error, a
traceback or a hang (each run is bounded by its subprocess timeout)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.test_report import make_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROFILE = (FIXTURES / "profiles" / "custom.yaml").read_text()
FAKELLM = str(FIXTURES / "backends" / "fakellm.yaml")
ABSENT_IMAGE = "jetllm-test/absent-image:never-built"  # with --pull never: nothing is pulled
# A YAML anchor bomb ("billion laughs"): 9 ** 9 strings in a few lines.
BOMB = "laughs:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))

Setup = Callable[[Path], tuple[list[str], list[str]]]  # tmp dir -> (arguments, words the line holds)


def _file(tmp: Path, name: str, content: str | bytes) -> str:
    path = tmp / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def _profile(content: str | bytes) -> Setup:
    return lambda tmp: (["profiles", "show", "--profile", _file(tmp, "my.yaml", content)], ["my.yaml"])


def _profile_field(old: str, new: str, field: str) -> Setup:
    assert old in PROFILE
    return lambda tmp: (["profiles", "show", "--profile", _file(tmp, "my.yaml", PROFILE.replace(old, new))],
                        ["my.yaml", f"field '{field}'"])


def _facts(content: str | bytes) -> Setup:
    return lambda tmp: (["doctor", "--facts", _file(tmp, "facts.json", content)], ["facts.json"])


def _report(content: str | bytes) -> Setup:
    def setup(tmp: Path) -> tuple[list[str], list[str]]:
        folder = tmp / "saved"
        folder.mkdir()
        _file(folder, "report.json", content)
        return ["report", str(folder)], ["report.json"]
    return setup


def _report_field(change: Callable[[dict], None], field: str) -> Setup:
    document = make_report().to_json()
    change(document)
    report = _report(json.dumps(document))
    return lambda tmp: (report(tmp)[0], ["report.json", f"field '{field}'"])


def _args(*args: str, says: str) -> Setup:
    return lambda tmp: (list(args), [says])


def _set_cause(document: dict) -> None:
    document["candidates"][0]["diagnosis"]["cause"] = "x" * 70_000


def _profiles_dir(tmp: Path) -> tuple[list[str], list[str]]:
    (tmp / "config" / "profiles").mkdir(parents=True)
    _file(tmp / "config" / "profiles", "mine.yaml", PROFILE.encode("utf-16"))
    return ["profiles"], ["mine.yaml", "UTF-16"]


LATIN1 = PROFILE.replace("my own", "café").encode("latin-1")
CASES: dict[str, Setup] = {
    # --profile FILE: bytes that are no UTF-8 text, sizes, nesting, numbers, anchors
    "profile-binary": _profile(bytes(range(256)) * 4),
    "profile-utf16": _profile(PROFILE.encode("utf-16")),
    "profile-latin1": _profile(LATIN1),
    "profile-deep": _profile("[" * 100_000),
    "profile-long-number": _profile_field("port: 9000", "port: " + "9" * 5001, "port"),
    "profile-anchor-bomb": _profile(PROFILE + BOMB),
    "profile-too-big": _profile(PROFILE + "# " + "x" * (1 << 20) + "\n"),
    "profile-long-field": _profile_field("my own llama-server build", "x" * 70_000, "description"),
    "profile-device": lambda tmp: (["profiles", "show", "--profile", "/dev/zero"], ["/dev/zero"]),
    "profiles-dir-utf16": _profiles_dir,
    # --profile FILE: fields the schema refuses
    "profile-image-markup": _profile_field("me/llama-server:cpu", "me/llama-server:cpu[/]", "images.cpu.0.image"),
    "profile-log-line-regex": _profile_field("port: 9000", "port: 9000\nready: {log_line: '(unclosed'}",
                                             "ready.log_line"),
    "profile-api-base": _profile_field("port: 9000", "port: 9000\napi_base: 'http://x y/v1'", "api_base"),
    "profile-health-url": _profile_field("port: 9000", "port: 9000\nready: {health_path: 'http://127.0.0.1:9/health'}",
                                         "ready.health_path"),
    "profile-timeout-inf": _profile_field("port: 9000", "port: 9000\nready: {timeout_s: .inf}", "ready.timeout_s"),
    # --facts FILE
    "facts-binary": _facts(bytes(range(256))),
    "facts-utf16": _facts('{"facts": {}}'.encode("utf-16")),
    "facts-latin1": _facts('{"platform": {"arch": "café"}}'.encode("latin-1")),
    "facts-deep": _facts("[" * 100_000),
    "facts-long-number": _facts('{"platform": {"arch": "x86_64", "cpus": ' + "9" * 5001 + "}}"),
    # report DIR
    "report-binary": _report(bytes(range(256))),
    "report-utf16": _report('{"jetllm_report_version": "1"}'.encode("utf-16")),
    "report-latin1": _report('{"jetllm_report_version": "1", "model": "café"}'.encode("latin-1")),
    "report-deep": _report("[" * 100_000),
    "report-long-number": _report('{"jetllm_report_version": "1", "exit_code": ' + "9" * 5001 + "}"),
    "report-long-field": _report_field(_set_cause, "candidates.0.diagnosis.cause"),
    # flags
    "image-empty": _args("profiles", "show", "llama.cpp", "--image", "", says="--image"),
    "image-space": _args("profiles", "show", "llama.cpp", "--image", "a b", says="--image"),
    "image-upper": _args("profiles", "show", "llama.cpp", "--image", "UPPER:case", says="--image"),
    "preflight-markup": _args("preflight", "x[/]", says="not an image reference"),
    **{f"timeout-{value}": _args("try", "--profile", FAKELLM, "--image", ABSENT_IMAGE, "--pull", "never",
                                 "--timeout", value, says="--timeout")
       for value in ("nan", "inf", "-1", "1e300")},
    "budget-huge": _args("bringup", "--profile", FAKELLM, "--image", ABSENT_IMAGE, "--pull", "never",
                         "--budget", "9" * 400 + "h", says="--budget"),
    "attempt-timeout-huge": _args("bringup", "--profile", FAKELLM, "--image", ABSENT_IMAGE, "--pull", "never",
                                  "--attempt-timeout", "100000h", says="--attempt-timeout"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(jetllm, tmp_path: Path, case: str) -> None:
    args, words = CASES[case](tmp_path)
    env = {"JETLLM_CONFIG_DIR": str(tmp_path / "config"), "JETLLM_CACHE_DIR": str(tmp_path / "cache")}
    result = jetllm(*args, env=env, cwd=tmp_path, timeout=60)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jetllm: error: "), result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("case", ["profile-utf16", "facts-long-number", "report-long-field", "timeout-nan"])
def test_bad_input_with_json_is_in_the_envelope(jetllm, tmp_path: Path, case: str) -> None:
    args, words = CASES[case](tmp_path)
    result = jetllm(*args, "--json", env={"JETLLM_CACHE_DIR": str(tmp_path / "cache")}, cwd=tmp_path, timeout=60)
    assert result.exit_code == 2 and result.json()["exit_code"] == 2
    (error,) = result.errors()
    assert error["class"] == "usage_error" and all(word in error["message"] for word in words)


def test_a_fifo_or_a_device_is_no_log_file(jetllm, tmp_path: Path) -> None:
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    for log in (str(fifo), "/dev/zero"):
        result = jetllm("classify", log, timeout=30)
        assert result.exit_code == 2 and "not a regular file" in result.stderr and log in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_endless_standard_input_ends(jetllm) -> None:
    import subprocess

    from tests.support.cli import jetllm_command

    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run([*jetllm_command(), "classify", "-"], stdin=zeros, capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "standard input: more than 64 MiB" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_huge_log_is_classified_from_its_end(jetllm, tmp_path: Path) -> None:
    """64 GiB (sparse: no disk is used) of zeros, then the cause: read from the end, at once."""
    log = tmp_path / "huge.log"
    with log.open("wb") as handle:
        handle.truncate(64 << 30)
        handle.seek(0, os.SEEK_END)
        handle.write(b"\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n")
    result = jetllm("classify", str(log), "--json", timeout=30)
    assert result.exit_code == 0, result.stderr
    assert result.data()["class"] == "gpu_oom"
    assert "classifying its last 64 MiB" in result.stderr


def test_a_report_whose_fields_join_into_megabytes_is_shown_in_seconds(jetllm, tmp_path: Path) -> None:
    """Each reason is within bounds; the cause shown joins 400 of them (22 MB: minutes to wrap)."""
    document = make_report().to_json()
    failed = next(c for c in document["candidates"] if c["verdict"] == "failed")
    failed["check"] = {"compatible": None, "reasons": ["unreadable " * 5000] * 400, "diagnosis": None}
    (tmp_path / "report.json").write_text(json.dumps(document))
    result = jetllm("report", str(tmp_path), timeout=30)
    assert result.exit_code == document["exit_code"], result.stderr
    assert "preflight could not tell (unreadable unreadable" in result.stdout
    assert "more characters)" in result.stdout
