"""The report folder (--out) loses nothing a user had: jetllm replaces only a report
it wrote (recognised by its report.json and the files that report lists), refuses
a folder that holds anything else, and the folder survives an interruption or a
SIGKILL at any moment of the write."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import pytest

from jetllm.core.errors import UsageError
from jetllm.report import load_report, write_report_dir
from tests.unit.test_report import make_report

REPO = Path(__file__).resolve().parents[2]


def on_disk(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def whole(out: Path) -> None:
    """`out` holds one complete report: report.json loads, and exactly the files it lists are there."""
    report = load_report(out)
    assert on_disk(out) == sorted(report.files)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_file_of_yours_beside_a_report_is_kept_and_the_folder_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_report_dir(make_report(), out)
    before = (out / "report.json").read_text()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match=r"--out .*out: notes.txt is not part of a jetllm report"):
        write_report_dir(make_report(all_fail=True), out)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "report.json").read_text() == before


def test_a_file_of_yours_in_logs_is_kept_and_the_folder_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_report_dir(make_report(), out)
    (out / "logs" / "mine.log").write_text("mine")
    with pytest.raises(UsageError, match="logs/mine.log is not part of a jetllm report"):
        write_report_dir(make_report(), out)
    assert (out / "logs" / "mine.log").read_text() == "mine"


def test_a_report_json_that_is_not_jetllms_is_refused(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text(json.dumps({"tests": 3, "files": ["data.csv"]}))
    (tmp_path / "data.csv").write_text("a,b\n")
    with pytest.raises(UsageError, match="report.json is not part of a jetllm report"):
        write_report_dir(make_report(), tmp_path)
    assert (tmp_path / "data.csv").read_text() == "a,b\n"
    assert json.loads((tmp_path / "report.json").read_text())["tests"] == 3


def test_its_own_report_is_replaced_and_an_empty_folder_taken(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_report_dir(make_report(), out)
    assert load_report(out).exit_code == 0
    write_report_dir(make_report(all_fail=True), out)
    assert load_report(out).exit_code == 1
    whole(out)
    assert hidden(tmp_path) == []


def test_a_junit_file_inside_the_folder_is_part_of_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = write_report_dir(make_report(), out, junit=out / "junit.xml")
    assert "junit.xml" in report.files and (out / "junit.xml").read_text().startswith("<?xml")
    whole(out)
    # A folder an earlier jetllm wrote with the JUnit file inside (not listed then): the
    # same --junit is replaced with the rest; without it the file is not jetllm's to remove.
    listed = json.loads((out / "report.json").read_text())
    listed["files"].remove("junit.xml")
    (out / "report.json").write_text(json.dumps(listed))
    with pytest.raises(UsageError, match="junit.xml is not part of a jetllm report"):
        write_report_dir(make_report(), out)
    write_report_dir(make_report(all_fail=True), out, junit=out / "junit.xml")
    whole(out)
    assert "failures=\"3\"" in (out / "junit.xml").read_text()


def test_a_junit_file_deeper_inside_the_folder_is_part_of_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    junit = out / "ci" / "results" / "junit.xml"
    write_report_dir(make_report(), out, junit=junit)
    write_report_dir(make_report(all_fail=True), out, junit=junit)
    whole(out)
    assert "ci/results/junit.xml" in load_report(out).files


def test_an_interruption_while_writing_is_an_interruption(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) at any moment of the write: KeyboardInterrupt, never another error
    (such as a serialisation error that swallowed it), and the folder holds a whole report."""
    out, report = tmp_path / "out", make_report()
    write_report_dir(report, out)
    start = time.monotonic()
    write_report_dir(report, out)
    took = time.monotonic() - start
    writing = False

    def ctrl_c(_signum: int, _frame: FrameType | None) -> None:  # the timer: SIGINT, as a terminal sends it
        if writing:
            os.kill(os.getpid(), signal.SIGINT)

    def interrupt(_signum: int, _frame: FrameType | None) -> None:  # Python's own, while the write runs
        nonlocal writing
        if writing:
            writing = False
            raise KeyboardInterrupt

    rng, others, interrupted = random.Random(), [], 0
    previous = {sig: signal.signal(sig, handler) for sig, handler in
                ((signal.SIGALRM, ctrl_c), (signal.SIGINT, interrupt))}
    deadline = time.monotonic() + 8
    try:
        for _ in range(300):
            if time.monotonic() > deadline:
                break
            try:
                writing = True
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(1e-5, took))
                write_report_dir(report, out)
                writing = False
            except KeyboardInterrupt:
                interrupted += 1
            except Exception as exc:  # noqa: BLE001 (what the test looks for)
                others.append(repr(exc))
            finally:
                writing = False
                signal.setitimer(signal.ITIMER_REAL, 0)
            whole(out)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert others == []
    assert interrupted > 0
    write_report_dir(report, out)
    whole(out)
    assert hidden(tmp_path) == []


WRITER = """
import sys
from pathlib import Path
from jetllm.report import load_report, write_report_dir
report = load_report(Path(sys.argv[1]))
print("writing", flush=True)
while True:
    write_report_dir(report, Path(sys.argv[2]))
"""


def test_sigkill_while_writing_never_loses_the_folder(tmp_path: Path) -> None:
    """A writer killed at random moments: the folder is there at every moment (watched
    while it writes) and after the kill, with a whole report; the next write leaves
    nothing hidden beside it."""
    source, out = tmp_path / "source", tmp_path / "place" / "out"
    write_report_dir(make_report(), source)
    write_report_dir(make_report(all_fail=True), out)
    rng, missing = random.Random(), 0
    deadline = time.monotonic() + 6
    for _ in range(12):
        if time.monotonic() > deadline:
            break
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(source), str(out)], cwd=REPO,
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        kill_at = time.monotonic() + rng.uniform(0, 0.25)
        while time.monotonic() < kill_at:
            missing += not out.is_dir()
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        assert missing == 0, "the report folder was missing while a report was written"
        whole(out)
    write_report_dir(make_report(), out)
    whole(out)
    assert os.listdir(out.parent) == ["out"]
