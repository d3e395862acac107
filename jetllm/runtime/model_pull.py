"""Asking a running server to fetch its model (Ollama's POST /api/pull).

Ollama serves only models it holds: a chat request for any other answers 404
"model ... not found, try pulling it first". So once it is up, jetllm asks it
to pull the model (unless the check path, Ollama's /api/show, says it
already has it) and follows the streamed progress, one JSON object a line:
{"status": "pulling manifest"}, {"status": "pulling <digest>", "digest": ...,
"total": N, "completed": M}, ... {"status": "success"}; a failure is a line
{"error": "..."} (or a non-200 answer with one). Reached through the
published 127.0.0.1 port only.
"""

from __future__ import annotations

import json
from typing import Any

from jetllm.core.events import LayerProgress, ProgressCallback
from jetllm.core.redact import clip
from jetllm.core.spec import ModelPullSpec
from jetllm.smoke.errors import server_error


class ModelPullFailed(Exception):
    """The server could not fetch the model; the message is the server's own."""


def pull_model(server_url: str, spec: ModelPullSpec, model: str, progress: ProgressCallback) -> bool:
    """Fetch `model` into the server at `server_url` (scheme://host:port); False when
    it already held the model (then nothing is fetched, so a host offline still works)."""
    import httpx

    # "name" is what Ollama before 0.5 reads; newer releases read "model".
    body = {"model": model, "name": model}
    timeout = httpx.Timeout(spec.timeout_s, connect=5.0)
    root = server_url.rstrip("/")
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            if spec.check_path and client.post(root + spec.check_path, json=body).status_code == 200:
                return False
            with client.stream("POST", root + spec.path, json={**body, "stream": True}) as response:
                if response.status_code != 200:
                    text = response.read().decode("utf-8", "replace")
                    fallback = f"HTTP {response.status_code} from {spec.path}: {clip(text, 200)}"
                    raise ModelPullFailed(server_error(text) or fallback)
                finished: set[str] = set()
                for line in response.iter_lines():
                    if _follow(line, progress, finished):
                        return True
    except httpx.HTTPError as exc:
        raise ModelPullFailed(f"pulling {model} failed: {type(exc).__name__}: {exc}") from exc
    raise ModelPullFailed(f"pulling {model}: the server ended the stream before 'success'")


def _follow(line: str, progress: ProgressCallback, finished: set[str]) -> bool:
    """One progress line: True on success; ModelPullFailed on an error line.
    A layer whose bytes are all in is reported once as "Pull complete", as an
    image layer is, so that a log without a terminal shows the pull advancing."""
    if not line.strip():
        return False
    try:
        event: dict[str, Any] = json.loads(line)
    except ValueError:
        return False  # not ours to judge; the stream's end or error decides
    if event.get("error"):
        raise ModelPullFailed(str(event["error"]))
    status = str(event.get("status", ""))
    if status == "success":
        return True
    digest = event.get("digest")
    layer = str(digest).removeprefix("sha256:")[:12] if digest else "model"
    current, total = event.get("completed"), event.get("total")
    if digest and total and current is not None and current >= total:
        if layer in finished:
            return False
        finished.add(layer)
        status = "Pull complete"
    progress(LayerProgress(layer=layer, status=status, current=current, total=total))
    return False
