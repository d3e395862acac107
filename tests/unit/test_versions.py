"""The one version parser (knowledge/versions.py) and L4T's reading of it: the
answers the former parsers gave are kept, and int()'s leniency is not."""

from __future__ import annotations

import pytest

from jetllm.knowledge import l4t
from jetllm.knowledge.versions import parse, version


@pytest.mark.parametrize(("text", "found"), [
    ("12.9", (12, 9)), ("13.0.1.012", (13, 0, 1, 12)), (" 12.6 ", (12, 6)), ("535.104.05", (535, 104, 5)),
    ("12.6a", None), ("", None), (None, None), ("12.", None),
    ("+12.6", None), ("1_2.6", None),  # int() takes these; a version has digits and dots only
])
def test_a_version_is_dotted_integers(text: str | None, found: tuple[int, ...] | None) -> None:
    assert parse(text) == found
    if found is None and text:
        with pytest.raises(ValueError):
            version(text)


@pytest.mark.parametrize(("text", "release"), [
    ("36.4.3", (36, 4, 3)), ("r36.4", (36, 4)), (" 36.4 ", (36, 4)), ("36", (36,)), ("r35.4.1", (35, 4, 1)),
    # Not an L4T release: four parts, a major that is not two digits, another prefix, a dpkg suffix.
    ("36.4.3.1", None), ("5.1", None), ("100.1", None), ("R36.4", None), ("36.+4", None), ("36.4-2025", None),
    ("abc", None), ("", None), (None, None),
])
def test_an_l4t_release_is_a_version_with_an_optional_r(text: str | None, release: tuple[int, ...] | None) -> None:
    assert l4t.parse(text) == release
