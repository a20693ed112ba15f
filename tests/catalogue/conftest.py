"""Fixtures of the catalogue tests: a fresh valid catalogue to change, and the files it is written to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.catalogue.samples import Data, dump, mini_catalogue


@pytest.fixture
def data() -> Data:
    """A valid mini catalogue as plain data; each test changes one thing in it."""
    return mini_catalogue()


@pytest.fixture
def write_catalogue(tmp_path: Path) -> Callable[[Data | str], Path]:
    """Write catalogue data (or raw YAML text) to ``catalogue.yaml`` in a temporary folder."""

    def write(content: Data | str, name: str = "catalogue.yaml") -> Path:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else dump(content), encoding="utf-8")
        return path

    return write
