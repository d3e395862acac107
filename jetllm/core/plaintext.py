"""Data is printed as text: never as Rich markup, emoji codes or terminal controls.

What jetllm prints comes from logs, registries, profiles and report files. An
ESC there could recolour, clear or retitle the user's terminal, and "[/]" or
":ok:" would be read as markup or an emoji. jetllm's consoles read no markup
and no emoji codes (styles are given as Text styles), and drop control
characters from every piece of text they write (render/console.py); plain()
does the same for text written without Rich.
"""

from __future__ import annotations

import re

from jetllm.core.limits import FIELD_MAX_CHARS

# C0 but newline and tab, DEL, C1 (U+0080-U+009F: 0x9B is a one-byte CSI).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """`text` without control characters (newlines and tabs stay)."""
    return CONTROL.sub("", text)


def clipped(text: str, limit: int = FIELD_MAX_CHARS) -> str:
    """At most about `limit` characters: Rich takes time that grows faster
    than a text's length to wrap it (fields joined into one can be long)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} ... ({len(text) - limit} more characters)"
