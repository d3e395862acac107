"""Whose is a jetllm container, and is it still wanted: judged from its labels
against the real processes of this machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jetllm.core import labels
from jetllm.core.owner import State, judge, owner_labels, process_start


def _labels_of_a_finished_process(keep: bool = False) -> dict[str, str]:
    """The owner labels another jetllm process wrote before it ended."""
    code = f"import json; from jetllm.core.owner import owner_labels; print(json.dumps(owner_labels(keep={keep})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


NAME = "jetllm-vllm-0123456789ab-cafe"
KEPT = f"{NAME}{labels.KEPT_SUFFIX}"  # renamed once it served


def test_a_live_owner_is_running_even_with_keep():
    assert judge(owner_labels(), name=NAME).state is State.RUNNING
    assert judge(owner_labels(keep=True), name=NAME).state is State.RUNNING  # the run may still remove it


def test_an_owner_that_ended_leaves_an_orphan_or_a_kept_container():
    gone = judge(_labels_of_a_finished_process(), name=NAME)
    assert gone.state is State.ORPHANED and "is gone" in gone.reason
    assert judge(_labels_of_a_finished_process(keep=True), name=KEPT).state is State.KEPT


def test_keep_counts_only_once_the_backend_served():
    # Started with --keep, but its jetllm was killed while it loaded: not renamed, litter.
    never_served = judge(_labels_of_a_finished_process(keep=True), name=NAME)
    assert never_served.state is State.ORPHANED
    assert "ended before it served" in never_served.reason


def test_a_reused_process_id_is_another_process():
    mine = owner_labels()
    earlier = str(int(mine[labels.PID_START]) - 1)  # the same id, started at another time
    assert judge({**mine, labels.PID_START: earlier}, name=NAME).state is State.ORPHANED


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc: the old labels came from Linux")
def test_labels_keep_the_start_time_older_versions_wrote():
    """Older versions labelled the start time as /proc/PID/stat field 22 (clock ticks since boot):
    their containers are still judged, and new labels read the same."""
    stat = Path(f"/proc/{os.getpid()}/stat").read_text()
    ticks = stat[stat.rfind(")") + 2:].split()[19]
    assert owner_labels()[labels.PID_START] == ticks
    older = {labels.HOST: owner_labels()[labels.HOST], labels.PID: str(os.getpid()), labels.PID_START: ticks}
    assert judge(older, name="jetllm-older").state is State.RUNNING


def test_a_killed_owner_not_yet_reaped_is_gone():
    child = subprocess.Popen(["sleep", "60"])
    try:
        tags = {**owner_labels(), labels.PID: str(child.pid), labels.PID_START: str(process_start(child.pid))}
        assert judge(tags, name=NAME).state is State.RUNNING
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # ended, left a zombie until reaped
        assert judge(tags, name=NAME).state is State.ORPHANED
    finally:
        child.wait()


def test_what_cannot_be_judged_here_is_unknown():
    other_host = judge({**owner_labels(), labels.HOST: "another-runner"}, name=NAME)
    assert other_host.state is State.UNKNOWN and "another-runner" in other_host.reason
    older = judge({labels.RUN: "r1", labels.MANAGED: "1"}, name=NAME)
    assert older.state is State.UNKNOWN and "older jetllm" in older.reason
    # A jetllm without owner labels did not rename what it kept either.
    assert judge({labels.RUN: "r1", labels.MANAGED: "1", labels.KEEP: "1"}, name=NAME).state is State.KEPT
