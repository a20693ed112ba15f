"""The adapters package keeps to its place: wire formats and the catalogue, never the web or the gateway."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters"
FORBIDDEN = ("litestar", "gateway", "family_registry", "sqlalchemy", "sqlmodel")


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(ADAPTERS.glob("*.py")), ids=lambda path: path.name)
def test_adapters_import_nothing_of_the_web(path: Path) -> None:
    """No module of ``adapters/`` imports Litestar, the gateway, or storage."""
    assert not imported_modules(path) & set(FORBIDDEN)
