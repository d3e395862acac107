"""Which model name to send when the profile does not say: the server's first."""

from __future__ import annotations

FALLBACK = "default"


def served_model(base_url: str, timeout_s: float = 5.0) -> str:
    """The first id in GET {base_url}/models, or "default" when there is none."""
    import httpx

    try:
        response = httpx.get(base_url.rstrip("/") + "/models", timeout=timeout_s, trust_env=False)
        data = response.json().get("data") or []
        first = data[0].get("id") if data and isinstance(data[0], dict) else None
        return str(first) if first else FALLBACK
    except (httpx.HTTPError, ValueError, AttributeError):
        return FALLBACK
