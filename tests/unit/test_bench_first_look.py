"""bench/first-look scores a batch as a user runs it: the entry it prints for
batches.yaml holds the batch's figures, and a batch's first look is recorded once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CASE = """\
id: {id}
source: https://github.com/example/{id}/issues/1#issuecomment-9
backend: vllm
platform: {platform}
expected_class: {expected}
collected: {collected}
why: what the thread concluded
log: |
  {log}
"""


def _batch(root: Path, *cases: dict[str, str]) -> Path:
    batch = root / "2026-12-01-probe"
    batch.mkdir(parents=True)
    for case in cases:
        (batch / f"{case['id']}.yaml").write_text(CASE.format(**{"platform": "x86", **case}))
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "bench" / "first-look"), "2026-12-01-probe",
                           "--batches", str(root), *args], capture_output=True, text=True, timeout=120)  # fmt: skip


def _entry(out: str) -> dict[str, object]:
    [entry] = yaml.safe_load("\n".join(line for line in out.splitlines() if not line.startswith("#")))
    return dict(entry)


def test_it_prints_the_batch_figures_and_records_them_once(tmp_path: Path) -> None:
    root = _batch(
        tmp_path,
        {"id": "oom", "expected": "gpu_oom", "collected": "2026-11-30",
         "log": "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"},
        {"id": "port", "expected": "port_in_use", "collected": "2026-12-01",
         "log": "INFO:     Application startup complete."},  # a failure the excerpt hides: read as none
        {"id": "ready", "expected": "none", "collected": "2026-12-01", "log": "INFO:     Application startup complete."},
    )  # fmt: skip
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    done = _run(root)
    assert done.returncode == 0, done.stderr
    entry = _entry(done.stdout)
    assert entry["name"] == "2026-12-01-probe" and str(entry["collected"]) == "2026-12-01"
    assert (entry["cases"], entry["first_look"], entry["first_look_none"]) == (3, 0.667, 1)
    assert entry["scored_at"] == head
    assert "# miss: port: port_in_use -> none" in done.stdout
    assert not (root / "batches.yaml").exists()  # printing records nothing

    (root / "batches.yaml").write_text(f"# first looks\n{yaml.safe_dump([entry], sort_keys=False)}")
    before = (root / "batches.yaml").read_text()
    again = _run(root, "--record")
    assert again.returncode != 0 and "already has its first look" in again.stderr
    assert (root / "batches.yaml").read_text() == before


def test_a_malformed_case_is_named_before_anything_is_scored(tmp_path: Path) -> None:
    root = _batch(tmp_path, {"id": "bad", "expected": "gpu_oom", "collected": "2026-12-01", "platform": "windows",
                             "log": "torch.OutOfMemoryError: CUDA out of memory."})  # fmt: skip
    done = _run(root)
    assert done.returncode != 0
    assert "bad.yaml: platform: 'windows' is not one of" in done.stderr and done.stdout == ""
