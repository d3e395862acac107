"""`jetllm bringup` and `jetllm report` on bad usage: exit 2, one line, nothing started;
and `jetllm report` re-rendering a saved report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jetllm.report import write_report_dir
from tests.unit.test_report import make_report

FACTS = Path(__file__).parent.parent / "fixtures" / "bringup" / "orin-nx-r36.4.3.json"


@pytest.mark.parametrize("args,message", [
    (["--budget", "soon"], "--budget: not a duration"),
    (["--attempt-timeout", "0s"], "--attempt-timeout"),
    (["--gpu-util", "1.5"], "--gpu-util must be in (0, 1]"),
    (["--image", "x:1", "--backends", "vllm,ollama"], "--image needs exactly one backend"),
    (["--backends", "no-such-backend", "--facts", str(FACTS)], "no-such-backend"),
    (["--pull", "sometimes"], "--pull must be one of"),
    (["--memory", "lots"], "--memory must be a size like 512m or 8g"),
    (["--image", "Not An Image", "--backends", "vllm", "--facts", str(FACTS)], "--image: not an image reference"),
])
def test_bad_usage_is_exit_2_with_one_line(cli, tmp_path, args, message):
    result = cli("bringup", "--out", str(tmp_path / "r"), *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("args,causes", [
    (["--backends", "llama.cpp"], {"llama.cpp": ("model_unavailable", "llama.cpp has no default model")}),
    (["--backends", "llama.cpp,ollama", "--model", "Qwen/Qwen2.5-1.5B-Instruct-AWQ"],
     {"llama.cpp": ("unsupported_model", "llama.cpp loads GGUF models, not AWQ"),
      "ollama": ("unsupported_model", "ollama loads Ollama models, not AWQ")}),
])
def test_nothing_to_try_still_writes_the_report_and_junit(cli, tmp_path, args, causes):
    out, junit = tmp_path / "r", tmp_path / "smoke.xml"
    command = ["bringup", *args, "--facts", str(FACTS), "--out", str(out), "--junit", str(junit)]
    result = cli(*command)
    assert result.exit_code == 1, result.stderr
    assert f"0 candidates to try, {len(causes)} left out" in result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "none_working" and report["command"] == ["jetllm", *command]
    found = {c["candidate"]["name"]: (c["verdict"], c["diagnosis"]["class"], c["diagnosis"]["cause"])
             for c in report["candidates"]}
    assert {name: (verdict, klass) for name, (verdict, klass, _) in found.items()} == {
        name: ("left_out", klass) for name, (klass, _) in causes.items()}
    for name, (_, cause) in causes.items():
        assert found[name][2].startswith(cause)
        assert cause in (out / "report.md").read_text() and cause in result.stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == str(len(causes))
    assert {f.get("type") for f in suite.iter("failure")} == {klass for klass, _ in causes.values()}


def test_report_json_and_md_together_is_usage_error(cli, tmp_path):
    write_report_dir(make_report(), tmp_path / "r")
    result = cli("report", str(tmp_path / "r"), "--json", "--md")
    assert result.exit_code == 2 and result.data() is None
    assert result.errors()[0]["class"] == "usage_error"
    assert result.stderr.strip().splitlines() == [
        "jetllm: error: --json and --md each print the whole report: pass one of them"]


def test_out_dir_that_is_not_a_report_is_refused(cli, tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = cli("bringup", "--out", str(tmp_path), "--facts", str(FACTS))
    assert result.exit_code == 2 and "mine.txt is not part of a jetllm report" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_report_rerenders_saved_report(cli, tmp_path):
    saved = write_report_dir(make_report(), tmp_path / "r")
    table = cli("report", str(tmp_path / "r"))
    assert table.exit_code == 0, table.stderr
    assert "* vllm" in table.stdout and "library_mismatch" in table.stdout
    as_json = cli("report", str(tmp_path / "r"), "--json")
    assert as_json.data() == json.loads((tmp_path / "r" / "report.json").read_text())
    assert as_json.data()["jetllm_report_version"] == saved.jetllm_report_version
    md = cli("report", str(tmp_path / "r"), "--md")
    assert md.stdout == (tmp_path / "r" / "report.md").read_text()


def test_report_on_a_missing_or_bad_dir_is_exit_2(cli, tmp_path):
    missing = cli("report", str(tmp_path / "nothing"))
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "report.json").write_text("{}")
    bad = cli("report", str(tmp_path))
    assert bad.exit_code == 2 and "schema version" in bad.stderr


def test_a_report_folder_with_a_file_of_yours_is_refused_not_emptied(jetllm, tmp_path):
    out = tmp_path / "r"
    write_report_dir(make_report(), out)
    (out / "mine.txt").write_text("keep me")
    result = jetllm("bringup", "--backends", "llama.cpp", "--out", str(out), "--facts", str(FACTS), "--json")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"jetllm: error: --out {out}: mine.txt is not part of a jetllm report; jetllm replaces only "
        "its own report files: choose another --out, or move mine.txt away"]
    assert result.errors()[0]["class"] == "usage_error" and "mine.txt" in result.errors()[0]["message"]
    assert (out / "mine.txt").read_text() == "keep me" and (out / "report.json").is_file()


@pytest.mark.parametrize("option", ["--out", "--junit"])
def test_an_out_or_junit_path_under_a_file_is_exit_2_before_the_search(jetllm, tmp_path, option):
    (tmp_path / "notes.txt").write_text("mine")
    out, junit = tmp_path / "r", tmp_path / "smoke.xml"
    if option == "--out":
        out = tmp_path / "notes.txt" / "r"
    else:
        junit = tmp_path / "notes.txt" / "smoke.xml"
    result = jetllm("bringup", "--backends", "llama.cpp", "--facts", str(FACTS),
                    "--out", str(out), "--junit", str(junit))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"jetllm: error: {option} {out if option == '--out' else junit}: "
        f"{tmp_path / 'notes.txt'} is not a folder"]
    assert "candidates to try" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_out_folder_it_may_not_write_is_exit_2_before_the_search(tmp_path):
    import os
    import shutil
    import subprocess
    import tempfile

    from tests.support.cli import jetllm_command
    from tests.support.needs import as_nobody

    folder = Path(tempfile.mkdtemp(prefix="jetllm-out-"))
    folder.chmod(0o755)  # anyone may look in; only its owner may write (root, or this user)
    if os.geteuid() != 0:
        folder.chmod(0o555)
    out = folder / "r"
    command = as_nobody([*jetllm_command(), "bringup", "--backends", "llama.cpp", "--facts", str(FACTS),
                         "--out", str(out)])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"}, cwd=Path(__file__).resolve().parents[2])
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [
            f"jetllm: error: --out {out}: cannot write in {folder}: Permission denied"]
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_previous_report_stranded_by_a_killed_run_is_put_back(jetllm, tmp_path):
    """A run killed between moving the previous report aside and moving the new one in
    (where the folders cannot be swapped in one step) leaves the previous report in a
    hidden folder beside --out: the next run puts it back, says so, and leaves nothing hidden."""
    out = tmp_path / "r"
    write_report_dir(make_report(), out)
    out.rename(tmp_path / ".r.jetllm-old-x1y2z3")
    result = jetllm("bringup", "--backends", "llama.cpp", "--facts", str(FACTS), "--out", str(out))
    assert result.exit_code == 1, result.stderr
    assert (f"jetllm: put back the previous report at {out} (a run was killed while replacing it)"
            in result.stderr.splitlines())
    assert json.loads((out / "report.json").read_text())["candidates"][0]["candidate"]["name"] == "llama.cpp"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_the_current_folder_as_out_is_exit_2_before_the_search(jetllm, tmp_path):
    result = jetllm("bringup", "--backends", "llama.cpp", "--facts", str(FACTS), "--out", ".", cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "jetllm: error: --out .: the report folder is replaced as a whole: give it a folder of its own"]
    assert list(tmp_path.iterdir()) == []
