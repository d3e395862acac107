"""Run the classifier over the labelled corpus of real logs.

The corpus has parts: `dev` (shared/corpus/dev, for building signatures) and
the project's batches, tests/corpus/<batch>/*.yaml, each scored once on
arrival before any signature was written for it (tests/corpus/README.md;
the figures are in tests/corpus/batches.yaml). Used by the corpus tests,
bench/classify and bench/first-look. A case gives its platform, so Jetson
cases get Jetson fixes and Jetson-specific readings.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jetllm.core.diagnosis import FailureClass
from tests.support.shared import REPO, shared_dir

NO_BACKEND = {"other", "unknown", ""}
BATCHES_DIR = REPO / "tests" / "corpus"
BATCHES_FILE = BATCHES_DIR / "batches.yaml"
DEV = "dev"
CASE_FIELDS = ("id", "source", "backend", "platform", "expected_class", "log", "why")
BATCH_FIELDS = (*CASE_FIELDS, "collected")
PLATFORMS = ("jetson", "x86", "arm64-server", "macos", "unknown")
RECORD_FIELDS = ("name", "collected", "cases", "first_look", "first_look_none", "scored_at")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class CaseResult:
    id: str
    expected: FailureClass
    got: FailureClass
    signature: str | None
    part: str = DEV

    @property
    def ok(self) -> bool:
        return self.expected is self.got

    @property
    def silent(self) -> bool:
        """A failure read as `none`: the one miss that hides a failure."""
        return self.expected is not FailureClass.NONE and self.got is FailureClass.NONE


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    directory: Path


def load_cases(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    import yaml

    found = []
    for path in sorted(directory.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append((path, case if isinstance(case, dict) else {}))
    return found


def run_corpus(directory: Path, part: str = DEV) -> list[CaseResult]:
    from jetllm.classify import classify_text

    outcomes = []
    for path, case in load_cases(directory):
        backend = str(case.get("backend") or "")
        diagnosis = classify_text(
            str(case["log"]),
            backend=None if backend in NO_BACKEND else backend,
            jetson=case.get("platform") == "jetson",
        )
        outcomes.append(
            CaseResult(str(case.get("id", path.stem)), FailureClass(case["expected_class"]),
                       diagnosis.failure_class, diagnosis.signature, part)  # fmt: skip
        )
    return outcomes


def batch_parts() -> list[Part]:
    """The project's batches (tests/corpus/<batch>/), in name order."""
    if not BATCHES_DIR.is_dir():
        return []
    return [Part(d.name, d) for d in sorted(BATCHES_DIR.iterdir()) if d.is_dir() and any(d.glob("*.yaml"))]


def corpus_parts() -> list[Part]:
    """dev (when shared/ is here) and every batch."""
    dev = shared_dir() / "corpus" / DEV
    return [*([Part(DEV, dev)] if dev.is_dir() else []), *batch_parts()]


def run_parts(parts: list[Part]) -> list[CaseResult]:
    return [o for part in parts for o in run_corpus(part.directory, part.name)]


def accuracy(outcomes: list[CaseResult]) -> float:
    return sum(o.ok for o in outcomes) / len(outcomes) if outcomes else 0.0


def thread(source: str) -> str:
    """The thread a source URL points into: host and path, without the comment anchor or query."""
    url = urlsplit(source.strip())
    return f"{url.netloc.lower()}{url.path.rstrip('/')}"


def case_problems(case: dict[str, Any]) -> list[str]:
    """What is wrong with one batch case (empty when it is well-formed)."""
    problems = [f"{name}: missing or empty" for name in BATCH_FIELDS if case.get(name) in (None, "")]
    classes = {c.value for c in FailureClass}
    if case.get("expected_class") not in (None, "") and str(case["expected_class"]) not in classes:
        problems.append(f"expected_class: {case['expected_class']!r} is not one of {sorted(classes)}")
    if case.get("platform") not in (None, "") and case["platform"] not in PLATFORMS:
        problems.append(f"platform: {case['platform']!r} is not one of {list(PLATFORMS)}")
    source = str(case.get("source") or "")
    if source and not (urlsplit(source).scheme == "https" and urlsplit(source).netloc):
        problems.append(f"source: {source!r} is not an https URL of the thread")
    if case.get("collected") not in (None, "") and not isinstance(case["collected"], datetime.date):
        problems.append(f"collected: {case['collected']!r} is not a date (YYYY-MM-DD)")
    return problems


def load_records(path: Path = BATCHES_FILE) -> list[dict[str, Any]]:
    """tests/corpus/batches.yaml: one entry per batch, its figures at first look."""
    import yaml

    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data or [])


def record_problems(entry: dict[str, Any]) -> list[str]:
    problems = [f"{name}: missing" for name in RECORD_FIELDS if entry.get(name) in (None, "")]
    if set(entry) - {*RECORD_FIELDS, "note"}:
        problems.append(f"unknown fields {sorted(set(entry) - {*RECORD_FIELDS, 'note'})}")
    if not _NAME.match(str(entry.get("name", ""))):
        problems.append(f"name: {entry.get('name')!r} is no batch folder name")
    first_look = entry.get("first_look")
    if first_look is not None and not (isinstance(first_look, float | int) and 0 <= first_look <= 1):
        problems.append(f"first_look: {first_look!r} is no fraction between 0 and 1")
    for name in ("cases", "first_look_none"):
        if entry.get(name) is not None and not (isinstance(entry[name], int) and entry[name] >= 0):
            problems.append(f"{name}: {entry[name]!r} is no count")
    return problems
