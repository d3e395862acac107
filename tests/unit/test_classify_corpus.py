"""Accuracy over the whole labelled corpus of real logs: shared/corpus/dev and
every batch under tests/corpus/ (see tests/corpus/README.md).

The corpus grew from 43 to 107 cases (64 real logs from threads the
signatures were never written against). On the grown set the classifier
scored 89.7 % with 6 real failures read as `none`. Since `none` needs
evidence of health (a readiness line, or a caller's report that it served),
no failure reads as `none`, but the 9 healthy cases, excerpts cut before
any readiness line, read as `unknown`: 82.2 %. The floor below keeps it
from sliding back (raise it as signatures and batches land: one constant),
and the target (95 %) is pinned as a strict expected failure until the
signatures reach it, so the day they do, this file must be changed to
assert it outright.
"""

from __future__ import annotations

import pytest

from tests.support.corpus import DEV, CaseResult, accuracy, corpus_parts, run_parts
from tests.support.shared import shared_path

FLOOR = 0.82  # whole corpus; measured on dev's 107 cases once `none` needed evidence of health
TARGET = 0.95


def _outcomes() -> list[CaseResult]:
    shared_path("corpus", DEV)  # skipped here without shared/, failed in CI
    outcomes = run_parts(corpus_parts())
    assert outcomes
    return outcomes


def _misses(outcomes: list[CaseResult]) -> str:
    return "\n".join(f"{o.part}/{o.id}: expected {o.expected.value}, got {o.got.value} ({o.signature})"
                     for o in outcomes if not o.ok)


def test_corpus_accuracy_holds_its_floor() -> None:
    outcomes = _outcomes()
    assert accuracy(outcomes) >= FLOOR, _misses(outcomes)


def test_no_failure_in_the_corpus_is_classified_none() -> None:
    silent = [f"{o.part}/{o.id}" for o in _outcomes() if o.silent]
    assert not silent, f"failures classified none: {silent}"


@pytest.mark.xfail(strict=True, reason="target not reached yet: 82.2 % on 107 cases")
def test_corpus_accuracy_target() -> None:
    outcomes = _outcomes()
    assert accuracy(outcomes) >= TARGET, _misses(outcomes)
