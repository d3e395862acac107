"""Before the first start: which steps of a candidate's ladder are predicted to fit.

From the model's figures (modelinfo/shape.py) and the memory this machine can give
(or the container's --memory limit, whichever is smaller), the context (max_len)
steps whose cost (modelinfo/estimate.py) is over it are dropped: the search starts
at the most ambitious step predicted to fit. When none is, the candidate is a
predicted misfit: left out with the figures, without a start (unless the user asks
to try anyway).
"""

from __future__ import annotations

from pydantic import Field

from jetllm.core.facts import HostFacts
from jetllm.core.ladder import Ladder
from jetllm.core.record import Record
from jetllm.modelinfo.estimate import Cost, Memory, cost, usable_memory
from jetllm.modelinfo.shape import ModelShape

_UNITS = {"b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


class Prediction(Record):
    backend: str
    usable_bytes: int
    how: str
    start_context: int | None = None  # the most ambitious context predicted to fit; None: none does
    cost: Cost  # at start_context, or at the smallest step when none fits
    start_fraction: float | None = None  # the largest memory fraction whose share is usable
    # Context steps above start_context that fit were the estimate's margins not needed (ascending):
    # after the start works, the search may climb into them (search/steer.py).
    room: list[int] = Field(default_factory=list)


def limit_bytes(memory: str | None) -> int | None:
    """docker --memory's value in bytes ("48m", "8g", "1073741824")."""
    if not memory:
        return None
    unit = memory[-1].lower()
    number = memory[:-1] if unit in _UNITS else memory
    return int(float(number) * _UNITS.get(unit, 1))


def memory_for(facts: HostFacts, limit: str | None, *, gpu: bool) -> Memory | None:
    """What a start may use: on the CPU or shared memory (Jetson) also within the container's
    --memory limit; a discrete GPU's memory is not under it. On the CPU, system memory."""
    from jetllm.core.facts import JetsonFacts, NvmlFacts

    shared = facts.nvml.shared_memory or facts.jetson.is_jetson
    memory = usable_memory(facts if gpu else facts.model_copy(update={"jetson": JetsonFacts(), "nvml": NvmlFacts()}))
    cap = limit_bytes(limit) if (shared or not gpu) else None
    if cap is not None and (memory is None or cap < memory.usable_bytes):
        total = memory.total_bytes if memory else cap
        return Memory(usable_bytes=cap, total_bytes=total, how=f"the container's memory limit ({limit})")
    return memory


def fractions(ladder: Ladder, memory: Memory) -> list[float]:
    """The memory fractions (gpu_util: vLLM's of total memory, SGLang's static one) whose share of
    total memory is within what is usable; the smallest is kept whatever it asks."""
    knob = ladder.knob("gpu_util")
    values = [float(v) for v in knob.values if isinstance(v, (int, float))] if knob else []
    fitting = [v for v in values if v * memory.total_bytes <= memory.usable_bytes]
    return fitting or values[-1:]


def predict(ladder: Ladder, backend: str, shape: ModelShape, memory: Memory, *, gpu: bool) -> Prediction | None:
    """The prediction for the ladder's context steps; None when the ladder has none or the model is not sized.
    Where a memory fraction is stepped, the memory counted is the largest fraction's share that is usable."""
    knob = ladder.knob("max_len")
    if knob is None or not shape.sized:
        return None
    steps = [int(value) for value in knob.values if isinstance(value, int)]
    if not steps:
        return None
    shares = fractions(ladder, memory)
    usable = min(memory.usable_bytes, int(shares[0] * memory.total_bytes)) if shares else memory.usable_bytes
    prices = [cost(backend, shape, step, gpu=gpu, resident=True) for step in steps]
    fitting = [price for price in prices if price.total_bytes <= usable]
    chosen = fitting[0] if fitting else prices[-1]
    room = sorted(price.context for price in prices
                  if price.total_bytes > usable >= price.least_bytes and price.context > chosen.context)
    return Prediction(backend=backend, usable_bytes=usable, how=memory.how,
                      start_context=chosen.context if fitting else None, cost=chosen,
                      start_fraction=shares[0] if shares else None, room=room if fitting else [])


def trimmed(ladder: Ladder, prediction: Prediction) -> Ladder:
    """The ladder without the context steps predicted not to fit."""
    if prediction.start_context is None:
        return ladder
    tops = {"max_len": prediction.start_context, "gpu_util": prediction.start_fraction}
    knobs = [knob.model_copy(update={"values": [v for v in knob.values if v <= top]})
             if (top := tops.get(knob.name)) is not None else knob for knob in ladder.knobs]
    return ladder.model_copy(update={"knobs": knobs})
