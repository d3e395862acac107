"""jetllm runs on every Python it declares, from 3.10 (JetPack 6's python3) on:
no private stdlib module, whose name and place change between releases
(`re._parser` exists from 3.11 on; 3.10 has `sre_parse`)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import jetllm

PACKAGE = Path(jetllm.__file__).resolve().parent
DEPRECATED = {"sre_parse", "sre_compile", "sre_constants"}  # the 3.10 names of re's internals


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [(node.lineno, node.module)]
            # `from re import _parser` imports a module; `from os import _exit` a function
            names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if _is_module(f"{node.module}.{alias.name}")]
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _private_stdlib(name: str) -> bool:
    parts = name.split(".")
    if parts[0] == "__future__" or parts[0] not in sys.stdlib_module_names | DEPRECATED:
        return False
    return parts[0] in DEPRECATED or any(part.startswith("_") for part in parts)


def test_no_private_stdlib_module_is_imported() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20  # the package's own sources were found
    private = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in files
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if _private_stdlib(name)
    ]
    assert not private, "private stdlib modules imported:\n" + "\n".join(private)
