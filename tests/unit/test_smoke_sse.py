"""Reading OpenAI-compatible streams: text, usage, llama-server timings, garbage."""

from __future__ import annotations

import json

import pytest

from jetllm.smoke.chat import _measure
from jetllm.smoke.sse import BadStream, delta_text, events, server_timings, usage_tokens


def _data(obj: object) -> str:
    return "data: " + json.dumps(obj)


def _chunk(text: str) -> dict[str, object]:
    return {"choices": [{"index": 0, "delta": {"content": text}}]}


class _Response:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def iter_lines(self) -> list[str]:
        return self.lines


def test_events_until_done_skipping_comments() -> None:
    lines = [": keep-alive", _data(_chunk("Hi")), "", _data(_chunk(" there")), "data: [DONE]", _data(_chunk("x"))]
    assert "".join(delta_text(c) for c in events(lines)) == "Hi there"


def test_usage_and_llama_server_timings() -> None:
    final = {"choices": [], "usage": {"completion_tokens": 12}, "timings": {"predicted_per_second": 41.5, "x": "y"}}
    assert usage_tokens(final) == 12
    assert server_timings(final) == {"predicted_per_second": 41.5}


def test_measure_prefers_usage_then_server_timings() -> None:
    usage = _measure(_Response([_data(_chunk("a")), _data(_chunk("b")), _data({"choices": [], "usage": {"completion_tokens": 5}})]), 0.0)
    assert usage.completion_tokens == 5 and usage.tokens_source == "usage" and usage.text == "ab"
    chunks = _measure(_Response([_data(_chunk("a")), _data(_chunk("b"))]), 0.0)
    assert chunks.tokens_source == "chunks" and chunks.completion_tokens == 2
    server = _measure(_Response([_data(_chunk("a")), _data({"choices": [], "timings": {"predicted_per_second": 30.0}})]), 0.0)
    assert server.tokens_source == "server" and server.tokens_per_s == 30.0


@pytest.mark.parametrize("lines", [
    ['data: {"choices": [{"delta": '],
    ["<html>502 Bad Gateway</html>"],
    [_data({"error": {"message": "model not found"}})],
    [_data([1, 2])],
    ["data: [DONE]"],  # no text at all
])
def test_garbage_is_a_bad_stream(lines: list[str]) -> None:
    with pytest.raises(BadStream):
        _measure(_Response(lines), 0.0)
