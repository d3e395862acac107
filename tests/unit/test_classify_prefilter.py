"""The scan's two prefilters (Hyperscan, and the pure-Python finds it falls back
to) find the same lines, so the classifier's answers do not depend on which
one a machine has."""

from __future__ import annotations

import io
import itertools
import random
import sys

import pytest
import yaml

from jetllm.classify.catalog import default_catalog
from jetllm.classify.decide import decide
from jetllm.classify.prefilter import FindPrefilter, HyperscanPrefilter, make_prefilter
from jetllm.classify.reader import blocks_from_stream
from jetllm.classify.scan import Hits, anchor_words, prefilter_for, scan
from jetllm.core.diagnosis import Diagnosis
from tests.support.noise import noise_lines
from tests.support.shared import shared_path

ENGINES = ("hyperscan", "python")


def _both(data: bytes, *, backend: str | None = None, jetson: bool = False) -> list[tuple[Hits, Diagnosis]]:
    catalog = default_catalog()
    found = []
    for engine in ENGINES:
        hits = scan(blocks_from_stream(io.BytesIO(data)), catalog, prefilter_for(catalog, engine))
        found.append((hits, decide(hits, None, catalog, backend=backend, jetson=jetson)))
    return found


def test_the_installed_engine_is_hyperscan_and_without_it_the_python_finds() -> None:
    anchors = anchor_words(default_catalog())
    assert isinstance(make_prefilter(anchors), HyperscanPrefilter)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "hyperscan", None)  # as where the package is not installed
        assert isinstance(make_prefilter(anchors), FindPrefilter)
        with pytest.raises(ImportError):
            make_prefilter(anchors, engine="hyperscan")


def test_both_engines_give_the_same_hits_on_every_dev_case() -> None:
    cases = sorted(shared_path("corpus", "dev").glob("*.yaml"))
    assert len(cases) > 50
    for path in cases:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        (hyper, hyper_diag), (python, python_diag) = _both(
            str(case["log"]).encode(), backend=case.get("backend"), jetson=case.get("platform") == "jetson"
        )
        assert hyper == python, path.name
        assert hyper_diag == python_diag, path.name


def test_both_engines_give_the_same_hits_on_a_noisy_log_with_failures_in_any_case() -> None:
    rng = random.Random(11)
    failures = [
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
        "(EngineCore pid=12) ERROR 05-12 10:11:12 [core.py:1] ValueError: No available memory for the cache",
        " blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
        "OSError: [Errno 28] NO SPACE left on device",
        "time=2025-02-21T01:40:58.260Z level=ERROR source=sched.go:443 msg=\"error loading llama server\"",
        "\x1b[31mFATAL\x1b[0m: Segmentation Fault (core dumped)",
        "Application startup complete.",
        "E1103 02:59:01.152656 81041 model_lifecycle.cc:626] unexpected inference output 'logits'",
        "CRITICAL 05-12 10:11:12 [launcher.py:99] giving up",
        "mF1103 02:59:01.152656 81041 x.cc:1] not a glog head at the line's start",
        "[rank0]: RuntimeError: CUDA error: no kernel im\nage is available for execution on the device",
        "ValueError: To serve at least one request with the models's max seq len (8192), (2.00 GiB KV cache is needed, "
        "which is larger than the\navailable KV cache memory (1.00 GiB).",
    ]
    lines = list(itertools.islice(noise_lines(seed=5), 60000))
    for at in sorted(rng.sample(range(len(lines)), 200), reverse=True):
        lines.insert(at, rng.choice(failures))
    data = "\n".join(lines).encode()
    assert len(data) > 3 << 20  # several blocks, so lines also fall at block ends
    (hyper, hyper_diag), (python, python_diag) = _both(data)
    assert hyper.count and hyper == python
    assert hyper_diag == python_diag
