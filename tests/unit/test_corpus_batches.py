"""The corpus's batches (tests/corpus/<batch>/*.yaml) are well-formed, every
batch has its first look recorded in tests/corpus/batches.yaml, and no thread
gives two cases anywhere in the corpus (dev and batches)."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.corpus import (
    BATCHES_DIR,
    DEV,
    batch_parts,
    case_problems,
    load_cases,
    load_records,
    record_problems,
    thread,
)
from tests.support.shared import shared_path

# Threads dev already holds twice (shared material, fixed there): no new ones.
DEV_DUPLICATES = {"github.com/t0mer/deepstack-trainer/issues/3", "github.com/Seeed-Projects/jetson-examples/issues/1"}
GOOD: dict[str, Any] = {
    "id": "vllm-kv-example-01", "source": "https://github.com/vllm-project/vllm/issues/1#issuecomment-2",
    "backend": "vllm", "platform": "jetson", "expected_class": "kv_cache_insufficient",
    "log": "ValueError: No available memory for the cache blocks.\n", "why": "gpu_memory_utilization too low",
    "collected": datetime.date(2026, 12, 1),
}  # fmt: skip
BATCH_CASES = [path for part in batch_parts() for path in sorted(part.directory.glob("*.yaml"))]


def _all_cases() -> list[tuple[str, Path, dict[str, Any]]]:
    parts = [(DEV, shared_path("corpus", DEV)), *((p.name, p.directory) for p in batch_parts())]
    return [(name, path, case) for name, directory in parts for path, case in load_cases(directory)]


@pytest.mark.parametrize("changes, problem", [
    ({}, None),
    ({"expected_class": "out_of_memory"}, "expected_class: 'out_of_memory' is not one of"),
    ({"platform": "windows"}, "platform: 'windows' is not one of"),
    ({"source": "issue 12 of vllm"}, "source: 'issue 12 of vllm' is not an https URL"),
    ({"source": "http://github.com/a/b/issues/1"}, "is not an https URL"),
    ({"collected": "last week"}, "collected: 'last week' is not a date"),
    ({"why": ""}, "why: missing or empty"),
    ({"log": None}, "log: missing or empty"),
])  # fmt: skip
def test_the_case_check_names_each_fault(changes: dict[str, Any], problem: str | None) -> None:
    problems = case_problems({**GOOD, **changes})
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems


def test_a_thread_is_its_url_without_comment_anchor_query_or_trailing_slash() -> None:
    same = {thread("https://github.com/o/r/issues/7#issuecomment-1"), thread("https://GitHub.com/o/r/issues/7/"),
            thread("https://github.com/o/r/issues/7?x=1")}  # fmt: skip
    assert same == {"github.com/o/r/issues/7"}
    assert thread("https://github.com/o/r/issues/70") != thread("https://github.com/o/r/issues/7")


@pytest.mark.parametrize("path", BATCH_CASES, ids=[f"{p.parent.name}/{p.name}" for p in BATCH_CASES])
def test_each_batch_case_is_well_formed(path: Path) -> None:
    [(_, case)] = [c for c in load_cases(path.parent) if c[0] == path]
    assert case_problems(case) == [], f"{path.relative_to(BATCHES_DIR)}"


def test_no_thread_and_no_id_appears_twice_in_the_corpus() -> None:
    cases = _all_cases()
    threads = Counter(thread(str(case.get("source", ""))) for _, _, case in cases)
    twice = {t for t, n in threads.items() if n > 1} - DEV_DUPLICATES
    assert not twice, [f"{part}/{path.name}" for part, path, case in cases if thread(str(case.get("source"))) in twice]
    ids = Counter(str(case.get("id")) for _, _, case in cases)
    assert not [i for i, n in ids.items() if n > 1]


def test_every_batch_has_its_first_look_recorded() -> None:
    records = load_records()
    for entry in records:
        assert record_problems(entry) == [], entry.get("name")
    by_name = {r["name"]: r for r in records}
    assert len(by_name) == len(records), "a batch recorded twice"
    for part in batch_parts():
        assert part.name in by_name, f"{part.name}: no entry in batches.yaml: run bench/first-look {part.name}"
        assert by_name[part.name]["cases"] == len(load_cases(part.directory)), f"{part.name}: cases added after its first look"
    assert not set(by_name) - {p.name for p in batch_parts()}, "an entry names no batch folder"
