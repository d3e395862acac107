"""Accuracy over the labelled corpus of real logs (shared/corpus/dev)."""

from __future__ import annotations



from jetllm.classify.corpus import accuracy, corpus_dir, run_corpus
from jetllm.classify.models import FailureClass
from tests.support.needs import unavailable

MIN_ACCURACY = 0.95


def test_corpus_accuracy() -> None:
    directory = corpus_dir("dev")
    if not directory.is_dir():
        unavailable(f"corpus not found at {directory}")
    outcomes = run_corpus(directory)
    assert outcomes
    misses = [f"{o.id}: expected {o.expected.value}, got {o.got.value} ({o.signature})" for o in outcomes if not o.ok]
    assert accuracy(outcomes) >= MIN_ACCURACY, "\n".join(misses)
    silent = [o.id for o in outcomes if o.expected is not FailureClass.NONE and o.got is FailureClass.NONE]
    assert not silent, f"failures classified none: {silent}"
