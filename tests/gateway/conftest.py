"""Fixtures of the gateway tests: catalogue files written by the tests, and one application per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.catalogue.samples import Data, dump, mini_catalogue, not_covered, rule, service, text
from tests.conftest import InProcessServer, build_in_process


def served_catalogue() -> Data:
    """The mini catalogue and two more services: enough for filters and pagination."""
    data = mini_catalogue()
    data["services"] += [
        service(
            "sj-widow-pension",
            name=text("Widow pension", "विधवा पेंशन"),
            description=text("A monthly pension for widows.", "विधवाओं के लिए मासिक पेंशन।"),
            department="social_justice",
            category="pensions",
            guarantee=not_covered("A scheme with its own rules.", "अपने नियमों वाली योजना।"),
            eligibility=[
                rule("member.gender", "==", "female", "Only for women.", "केवल महिलाओं के लिए।"),
                rule("member.marital_status", "==", "widowed", "Only for widows.", "केवल विधवाओं के लिए।"),
            ],
        ),
        service(
            "rev-khasra-copy",
            guarantee={
                "covered": True,
                "source": "https://example.gov.in/notification-2024",
                "time_limit": {"days": 0, "unit": "same_day"},
            },
            name=text("Copy of khasra", "खसरा की प्रति"),
            description=text("A certified copy of the land record.", "भू अभिलेख की प्रमाणित प्रति।"),
            eligibility=[],
        ),
    ]
    widow = data["services"][-2]
    del widow["first_appeal"], widow["second_appeal"]
    return data


@pytest.fixture(scope="module")
def catalogue_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.yaml"
    path.write_text(dump(served_catalogue()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live(catalogue_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    """One application for the read-only tests of a module, serving ``served_catalogue()``, in-process."""
    folder = tmp_path_factory.mktemp("server")
    env = {
        "SEVA_CATALOGUE": str(catalogue_file),
        "SEVA_DATA_DIR": str(folder / "data"),
        "SEVA_CATALOGUE_WATCH_SECONDS": "0",
    }
    server = build_in_process(env).start()
    yield server
    server.stop()


@pytest.fixture
def client(live: InProcessServer) -> Iterator[httpx.Client]:
    with live.client() as http:
        yield http
