"""The smoke suite: what "it works" means to an application, checked on a backend
that served its first streamed answer.

    checks = run_suite(base_url, model, first=smoke)

Each check is a SmokeCheck (pass, fail, warn or skip, a one-line detail, the time
it took); none raises. The checks:

- chat-stream: the first streamed answer (run before the suite): content, a
  finish reason, and usage (a warning when the server sends none);
- chat: the same, not streamed;
- tool-call and tool-call-stream: one tool offered, the named function and its
  arguments parsed as JSON; the streamed call's argument pieces are joined
  before they are parsed, and both modes must give the same call;
- tool-round-trip: the tool's result sent back, and the model answers it;
- structured-output: a JSON schema in response_format, the answer parsed
  against it (skip when the server refuses response_format);
- sanity: a prompt with a known short answer; a server that is up but answers
  garbage is a warning, as a small or quantised model may word it oddly.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from jetllm.core.attempt import CheckStatus, Smoke, SmokeCheck
from jetllm.core.redact import clip
from jetllm.smoke.errors import server_error
from jetllm.smoke.sse import BadStream, events, finish_reason, tool_call_pieces

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "enum": ["Paris", "Berlin", "Madrid"]}},
            "required": ["city"],
        },
    },
}
TOOL_PROMPT = "What is the weather in Paris right now? Call the get_weather tool."
TOOL_RESULT = '{"city": "Paris", "temperature_c": 21, "sky": "sunny"}'
SCHEMA = {
    "type": "object",
    "properties": {"capital": {"type": "string", "enum": ["Paris", "Berlin", "Madrid"]}},
    "required": ["capital"],
}
SANITY_PROMPT = "What is 2 + 3? Answer with the number only."
SANITY_ANSWER = re.compile(r"(?<![\w.])(5|five)(?![\w]|\.\d)", re.IGNORECASE)
REFUSED = (400, 404, 405, 422, 501)  # a server saying it does not take this request


class Failed(Exception):
    """A check's request failed or its answer was not what the API promises."""


class Refused(Failed):
    """The server answered 4xx: it does not offer what was asked."""


Post = Callable[[dict[str, Any]], dict[str, Any]]


def run_suite(base_url: str, model: str, *, first: Smoke | None = None, timeout_s: float = 60.0,
              max_tokens: int = 64) -> list[SmokeCheck]:
    """The suite's checks, in order; `first` is the streamed answer already measured."""
    import httpx

    url = base_url.rstrip("/") + "/chat/completions"
    checks = [chat_stream_check(first)] if first is not None else []
    with httpx.Client(timeout=httpx.Timeout(timeout_s, connect=2.0), trust_env=False) as client:

        def post(body: dict[str, Any]) -> dict[str, Any]:
            return _post(client, url, {"model": model, "temperature": 0, "max_tokens": max_tokens, **body})

        def stream(body: dict[str, Any]) -> dict[str, Any]:
            return _stream(client, url, {"model": model, "temperature": 0, "max_tokens": max_tokens, **body})

        checks.append(_timed("chat", lambda: _chat(post)))
        calls: dict[str, dict[str, Any] | None] = {}
        checks.append(_timed("tool-call", lambda: _tool_call(post, calls, "plain")))
        checks.append(_timed("tool-call-stream", lambda: _tool_call(stream, calls, "streamed")))
        checks.append(_timed("tool-round-trip", lambda: _round_trip(post, calls)))
        checks.append(_timed("structured-output", lambda: _structured(post), refused=CheckStatus.SKIP))
        checks.append(_timed("sanity", lambda: _sanity(post), failing=CheckStatus.WARN))
    return checks


def chat_stream_check(smoke: Smoke) -> SmokeCheck:
    ms = round(smoke.total_s * 1000, 1) if smoke.total_s is not None else None
    if not smoke.text:
        return SmokeCheck(name="chat-stream", status=CheckStatus.FAIL, detail="no content streamed", ms=ms)
    if smoke.finish_reason is None:
        return SmokeCheck(name="chat-stream", status=CheckStatus.FAIL, ms=ms,
                          detail="the stream ended without a finish_reason")
    detail = f"{smoke.completion_tokens} tokens, finish_reason {smoke.finish_reason}"
    if smoke.tokens_source == "chunks":
        return SmokeCheck(name="chat-stream", status=CheckStatus.WARN, ms=ms,
                          detail=f"{detail}; no usage in the stream (stream_options.include_usage)")
    return SmokeCheck(name="chat-stream", status=CheckStatus.PASS, detail=detail, ms=ms)


def _timed(name: str, check: Callable[[], tuple[CheckStatus, str]],
           failing: CheckStatus = CheckStatus.FAIL, refused: CheckStatus | None = None) -> SmokeCheck:
    """Run one check; `refused`: the status when the server refuses the request (4xx),
    else it is `failing`, like any other failure."""
    import httpx

    start = time.monotonic()
    try:
        status, detail = check()
    except Refused as exc:
        status, detail = refused or failing, f"the server refused it: {exc}"
    except Failed as exc:
        status, detail = failing, str(exc)
    except (httpx.HTTPError, BadStream) as exc:
        status, detail = failing, f"{type(exc).__name__}: {exc}"
    ms = round((time.monotonic() - start) * 1000, 1)
    return SmokeCheck(name=name, status=status, detail=clip(detail, 300), ms=ms)


def _refusal(status: int, text: str) -> Failed:
    detail = server_error(text) or clip(text.strip(), 200)
    kind = Refused if status in REFUSED else Failed
    return kind(f"HTTP {status}: {detail}")


def _post(client: Any, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(url, json={**body, "stream": False})
    if response.status_code != 200:
        raise _refusal(response.status_code, response.text)
    try:
        answer = response.json()
        choice = answer["choices"][0]
        message = choice["message"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise Failed(f"not an OpenAI chat completion: {clip(response.text, 160)!r}") from exc
    return {"message": message, "finish_reason": choice.get("finish_reason"), "usage": answer.get("usage")}


def _stream(client: Any, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """A streamed answer assembled as a non-streamed one: content, and tool calls whose
    name and id come once and whose arguments come in pieces, keyed by index."""
    content: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    reason = None
    with client.stream("POST", url, json={**body, "stream": True}) as response:
        if response.status_code != 200:
            raise _refusal(response.status_code, response.read().decode("utf-8", "replace"))
        for chunk in events(response.iter_lines()):
            reason = finish_reason(chunk) or reason
            choices = chunk.get("choices") or [{}]
            delta = choices[0].get("delta") if isinstance(choices[0], dict) else None
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                content.append(delta["content"])
            for piece in tool_call_pieces(chunk):
                call = calls.setdefault(int(piece.get("index", 0)), {"function": {"name": "", "arguments": ""}})
                call["id"] = piece.get("id") or call.get("id")
                function = piece.get("function") or {}
                call["function"]["name"] += function.get("name") or ""
                call["function"]["arguments"] += function.get("arguments") or ""
    message = {"content": "".join(content), "tool_calls": [calls[i] for i in sorted(calls)]}
    return {"message": message, "finish_reason": reason, "usage": None}


def _chat(post: Post) -> tuple[CheckStatus, str]:
    answer = post({"messages": [{"role": "user", "content": "Reply with one short sentence: what is a Jetson?"}]})
    content = answer["message"].get("content")
    if not isinstance(content, str) or not content.strip():
        raise Failed("the answer has no content")
    if not answer["finish_reason"]:
        raise Failed("the answer has no finish_reason")
    usage = answer["usage"] if isinstance(answer["usage"], dict) else {}
    tokens = usage.get("completion_tokens")
    if not isinstance(tokens, int):
        return CheckStatus.WARN, "no usage.completion_tokens in the answer"
    return CheckStatus.PASS, f"{tokens} tokens, finish_reason {answer['finish_reason']}"


def _the_call(answer: dict[str, Any]) -> dict[str, Any]:
    """The one call to get_weather, its arguments parsed; Failed when there is none."""
    calls = answer["message"].get("tool_calls") or []
    if not calls:
        said = clip(str(answer["message"].get("content") or ""), 80)
        raise Failed(f"no tool call in the answer (it said {said!r}): the server may need a tool-call "
                     "flag (see the profile's tool_calls) or the model cannot call tools")
    function = calls[0].get("function") if isinstance(calls[0], dict) else None
    if not isinstance(function, dict) or function.get("name") != "get_weather":
        raise Failed(f"the call names {clip(str(function), 80)!r}, not get_weather")
    raw = function.get("arguments")
    try:
        arguments = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        raise Failed(f"the call's arguments are not JSON: {clip(str(raw), 80)!r}") from exc
    if not isinstance(arguments, dict) or "city" not in arguments:
        raise Failed(f"the call's arguments lack the required city: {clip(str(raw), 80)!r}")
    return {"id": calls[0].get("id") or "call_0", "name": "get_weather", "arguments": arguments}


def _tool_call(send: Post, calls: dict[str, dict[str, Any] | None], mode: str) -> tuple[CheckStatus, str]:
    calls[mode] = None
    answer = send({"messages": [{"role": "user", "content": TOOL_PROMPT}], "tools": [TOOL],
                   "tool_choice": "auto"})
    call = calls[mode] = _the_call(answer)
    detail = f"get_weather({json.dumps(call['arguments'], sort_keys=True)})"
    other = calls.get("plain")
    if mode == "streamed" and other is not None and other["arguments"] != call["arguments"]:
        raise Failed(f"streamed {detail} differs from the non-streamed call "
                     f"get_weather({json.dumps(other['arguments'], sort_keys=True)})")
    return CheckStatus.PASS, detail


def _round_trip(post: Post, calls: dict[str, dict[str, Any] | None]) -> tuple[CheckStatus, str]:
    call = calls.get("plain") or calls.get("streamed")
    if call is None:
        return CheckStatus.SKIP, "no tool call to answer"
    assistant = {"role": "assistant", "content": None, "tool_calls": [{
        "id": call["id"], "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])}}]}
    answer = post({"messages": [{"role": "user", "content": TOOL_PROMPT}, assistant,
                                {"role": "tool", "tool_call_id": call["id"], "content": TOOL_RESULT}],
                   "tools": [TOOL], "tool_choice": "none"})
    content = answer["message"].get("content")
    if not isinstance(content, str) or not content.strip():
        raise Failed("the model did not answer the tool's result")
    return CheckStatus.PASS, f"answered: {clip(content.strip(), 80)!r}"


def _structured(post: Post) -> tuple[CheckStatus, str]:
    answer = post({"messages": [{"role": "user", "content": "What is the capital of France? Answer in JSON."}],
                   "response_format": {"type": "json_schema",
                                       "json_schema": {"name": "capital", "schema": SCHEMA}}})
    content = answer["message"].get("content") or ""
    try:
        parsed = json.loads(content)
    except json.JSONDecodeError as exc:
        raise Failed(f"the answer is not JSON: {clip(content, 80)!r}") from exc
    if not isinstance(parsed, dict) or parsed.get("capital") not in ("Paris", "Berlin", "Madrid"):
        raise Failed(f"the answer does not follow the schema: {clip(content, 80)!r}")
    return CheckStatus.PASS, f"JSON per schema: {clip(content, 80)}"


def _sanity(post: Post) -> tuple[CheckStatus, str]:
    answer = post({"messages": [{"role": "user", "content": SANITY_PROMPT}]})
    message = answer["message"]
    said = " ".join(str(message.get(k) or "") for k in ("content", "reasoning_content", "reasoning"))
    if SANITY_ANSWER.search(said):
        return CheckStatus.PASS, f"2 + 3: {clip(str(message.get('content') or '').strip(), 40)!r}"
    raise Failed(f"asked 2 + 3, it answered {clip(said.strip(), 80)!r}: the server is up but "
                 "the model may be broken (wrong weights, template or quantisation)")
