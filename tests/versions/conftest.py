"""Fixtures of the catalogue history tests: a catalogue file of the test's own, which a test rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALOGUE

LEARNER = "tr-learner-licence"
DRIVING = "tr-driving-licence"


def changed_learner(text: str) -> str:
    """The catalogue with the learner's licence's age rule raised from 16 to 18 and its fee from Rs 200 to
    Rs 250; nothing else changed."""
    start = text.index(f"- code: {LEARNER}\n")
    end = text.index("\n  - code: ", start)
    block = text[start:end]
    changed = block.replace("value: 16\n", "value: 18\n", 1).replace(
        "amount_inr: 200\n", "amount_inr: 250\n", 1
    )
    assert changed.count("18\n") > block.count("18\n") and "amount_inr: 250" in changed
    return text[:start] + changed + text[end:]


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    """A copy of the shipped catalogue that the test may rewrite."""
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(CATALOGUE.read_bytes())
    return path
