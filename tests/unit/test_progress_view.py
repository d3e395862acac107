"""One progress view for `try` and `bringup`: the runtime's events and the search's,
worded on stderr, with a bring-up step's runtime lines indented under the step."""

from __future__ import annotations

import io

from rich.console import Console

from jetllm.core.diagnosis import FailureClass, RetrySmaller
from jetllm.core.events import (
    BringupPlanned,
    CandidateIncompatible,
    CandidateLeftOut,
    LayerProgress,
    Note,
    Phase,
    StepFailed,
    StepStarted,
    StepWorked,
    Waiting,
)
from jetllm.core.spec import Settings
from jetllm.render.progress import ProgressView

TOP = Settings(gpu_util=0.9, max_len=4096)
LOWER = Settings(gpu_util=0.55, max_len=4096)
ATTEMPT = [
    Phase("pulling", "image example/vllm:1 (--pull missing)"),
    LayerProgress("6f96e01a3f55", "Pull complete", None, None),
    Note("port 8000 is taken; serving on 127.0.0.1:8001"),
    Phase("waiting", "waiting for vllm on http://127.0.0.1:8001"),
    Waiting(3.0, "Loading model weights", "starting"),
]


def shown(events: list[object]) -> list[str]:
    buffer = io.StringIO()
    with ProgressView(Console(file=buffer, width=100, no_color=True)) as view:
        for event in events:
            view(event)  # type: ignore[arg-type]
    return buffer.getvalue().splitlines()


def test_an_attempt_alone_is_phases_with_their_details_below():
    assert [line.rstrip() for line in shown(ATTEMPT)] == [
        "pulling: image example/vllm:1 (--pull missing)",
        "  6f96e01a3f55: Pull complete",
        "  port 8000 is taken; serving on 127.0.0.1:8001",
        "waiting: waiting for vllm on http://127.0.0.1:8001",
        "  starting   3.0s  Loading model weights",
    ]


def test_a_bringup_words_its_steps_and_nests_each_attempt_under_its_step():
    events = [
        CandidateLeftOut("sglang", "sglang needs the GPU"),
        BringupPlanned(candidates=2, left_out=1, run_id="r1"),
        CandidateIncompatible("vllm-ngc", ("needs driver 580.82",)),
        StepStarted("vllm", TOP), *ATTEMPT,
        StepFailed("vllm", TOP, FailureClass.CUDA_ALLOCATOR_ASSERT, RetrySmaller.YES),
        StepStarted("vllm", LOWER), Phase("smoke", "sending one streamed chat request"),
        StepWorked("vllm", LOWER),
    ]
    assert [line.rstrip() for line in shown(events)] == [
        "left out sglang: sglang needs the GPU",
        "jetllm bringup: 2 candidates to try, 1 left out, run r1",
        "vllm-ngc: incompatible, not pulled: needs driver 580.82",
        "vllm: starting with gpu_util=0.9 max_len=4096",
        "  pulling: image example/vllm:1 (--pull missing)",
        "    6f96e01a3f55: Pull complete",
        "    port 8000 is taken; serving on 127.0.0.1:8001",
        "  waiting: waiting for vllm on http://127.0.0.1:8001",
        "    starting   3.0s  Loading model weights",
        "vllm: cuda_allocator_assert (retry smaller: yes)",
        "vllm: starting with gpu_util=0.55 max_len=4096",
        "  smoke: sending one streamed chat request",
        "vllm: works with gpu_util=0.55 max_len=4096",
    ]
