"""A server's error answer in its own words: the message inside the JSON body."""

from __future__ import annotations

import json


def server_error(text: str) -> str | None:
    """{"error": "..."} (Ollama) or {"error": {"message": "..."}} (OpenAI style), else None."""
    try:
        error = json.loads(text).get("error")
    except (ValueError, AttributeError):
        return None
    if isinstance(error, dict):
        error = error.get("message")
    return str(error) if error else None
