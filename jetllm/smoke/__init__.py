"""The smoke test: one real, streamed, OpenAI-compatible chat request.

    smoke = chat(base_url="http://127.0.0.1:8000/v1", model="Qwen/Qwen2.5-0.5B-Instruct")

Returns a Smoke (time to first token, tokens/s, total time, text, the
server's own timings when it sends them) or raises SmokeFailed with a
one-line message. tokens/s prefers the token count the server reports (the
final chunk's usage with stream_options.include_usage, or llama-server's
timings) and falls back to counting content chunks; Smoke.tokens_source
says which.
"""

from __future__ import annotations

from jetllm.smoke.chat import PROMPT, SmokeFailed, chat

__all__ = ["PROMPT", "SmokeFailed", "chat"]
