"""Every terminal view lives in jetllm/render: no other module imports Rich or
the console factory (commands pass records to render functions; stages never print)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "jetllm"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_render_imports_rich_or_the_console():
    outside = [p for p in PACKAGE.rglob("*.py") if PACKAGE / "render" not in p.parents]
    assert len(outside) > 50  # the whole package is scanned
    found = {str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p)
                                                 if n == "rich" or n.startswith(("rich.", "jetllm.render.console")))
             for p in outside}
    assert {path: names for path, names in found.items() if names} == {}
