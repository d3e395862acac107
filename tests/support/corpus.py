"""Run the classifier over a labelled corpus (shared/corpus/<set>/*.yaml).

Used by the corpus test and bench/classify. A case gives its platform, so
Jetson cases get Jetson fixes and Jetson-specific readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jetllm.core.diagnosis import FailureClass

NO_BACKEND = {"other", "unknown", ""}


@dataclass(frozen=True, slots=True)
class CaseResult:
    id: str
    expected: FailureClass
    got: FailureClass
    signature: str | None

    @property
    def ok(self) -> bool:
        return self.expected is self.got


def run_corpus(directory: Path) -> list[CaseResult]:
    import yaml

    from jetllm.classify import classify_text

    outcomes = []
    for path in sorted(directory.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        backend = str(case.get("backend") or "")
        diagnosis = classify_text(
            str(case["log"]),
            backend=None if backend in NO_BACKEND else backend,
            jetson=case.get("platform") == "jetson",
        )
        outcomes.append(
            CaseResult(str(case.get("id", path.stem)), FailureClass(case["expected_class"]),
                    diagnosis.failure_class, diagnosis.signature)  # fmt: skip
        )
    return outcomes


def accuracy(outcomes: list[CaseResult]) -> float:
    return sum(o.ok for o in outcomes) / len(outcomes) if outcomes else 0.0
