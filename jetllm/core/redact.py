"""Secrets never leave the attempt: every log line and message passes here.

Values of secret environment variables are replaced outright; on top of
that, shapes that look like tokens (Hugging Face tokens, bearer headers,
key=value pairs named like secrets) are masked wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|CREDENTIAL)", re.I)
_SHAPES = (
    re.compile(r"\bhf_[A-Za-z0-9]{8,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)\b([A-Za-z0-9_]*(?:token|secret|password|passwd|api_?key)[A-Za-z0-9_]*\s*[=:]\s*)"
        r"(?!\*\*\*)[^\s'\",;]+"
    ),
)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


class Redactor:
    """Masks the given secret values and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is masked whole.
        self._values = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, MASK)
        text = _SHAPES[0].sub(MASK, text)
        text = _SHAPES[1].sub(lambda m: m.group(1) + MASK, text)
        return _SHAPES[2].sub(lambda m: m.group(1) + MASK, text)
