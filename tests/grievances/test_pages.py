"""The grievance pages, as a person uses them (no JavaScript, forms with CSRF tokens, Hindi and English):
file a grievance, see it filed with its number, be refused a reminder sent too soon with the reason beside
the button, track it by number while signed out, and say whether the resolution satisfied you."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import InProcessServer
from tests.grievances.support import Desk, seeded_desk
from tests.web.support import csrf_token, sign_in


@pytest.fixture
def demo(tmp_path: Path, app_factory: Callable[..., InProcessServer]) -> Iterator[Desk]:
    with seeded_desk("sqlite", tmp_path, app_factory, SEVA_DEMO="1") as desk:
        yield desk


def test_file_follow_and_answer_on_the_pages(demo: Desk) -> None:
    l1 = demo.officer("l1")
    with demo.client() as client:
        assert sign_in(client, "9876500001", "9876500001", "/grievances").status_code == 200
        form = client.get("/grievances/new")
        assert form.status_code == 200 and '<form method="post" action="/grievances/new"' in form.text
        empty = client.post(
            "/grievances/new", data={"_csrf_token": csrf_token(form.text), "kind": "complaint"}
        )
        assert empty.status_code == 400 and 'href="#topic"' in empty.text and 'href="#text"' in empty.text
        filed = client.post(
            "/grievances/new",
            data={
                "_csrf_token": csrf_token(form.text),
                "kind": "complaint",
                "topic": "revenue/land_records",
                "district": "bhopal",
                "place": "Bairagarh",
                "text": "The copy of my khasra was not given though I paid the fee.",
            },
            follow_redirects=True,
        )
        assert filed.status_code == 200 and "Grievance filed" in filed.text
        number = re.search(r"/grievances/(G\d{14})", str(filed.url)).group(1)  # type: ignore[union-attr]
        too_soon = client.post(f"/grievances/{number}/remind", data={"_csrf_token": csrf_token(filed.text)})
        assert too_soon.status_code == 429 and "72 hours" in too_soon.text
        client.cookies.set("seva_lang", "hi")
        assert "शिकायत" in client.get(f"/grievances/{number}").text
        client.cookies.delete("seva_lang")

        client.post(f"/api/v1/grievance-inbox/{number}/resolve", json={"note": "Copy given"}, headers=l1)
        page = client.get(f"/grievances/{number}")
        assert "Are you satisfied" in page.text
        said = client.post(
            f"/grievances/{number}/feedback",
            data={"_csrf_token": csrf_token(page.text), "rating": "satisfied"},
            follow_redirects=True,
        )
        assert said.status_code == 200 and "Your answer is recorded" in said.text
    with demo.client() as stranger:
        tracked = stranger.get("/track-grievance", params={"number": number})
        assert tracked.status_code == 200 and "closed" in tracked.text and "khasra" not in tracked.text
        wrong = stranger.get("/track-grievance", params={"number": "2611-4829-1037-5"})
        assert wrong.status_code == 400 and "application reference" in wrong.text


def test_filed_without_signing_in_on_the_pages(demo: Desk) -> None:
    from tests.web.support import latest_code

    with demo.client() as client:
        first = client.get("/grievances/by-phone")
        assert first.status_code == 200
        asked = client.post(
            "/grievances/by-phone", data={"_csrf_token": csrf_token(first.text), "mobile": "9812345670"}
        )
        assert asked.status_code == 200 and 'name="challenge"' in asked.text
        challenge = re.search(r'name="challenge" value="([0-9a-f]+)"', asked.text).group(1)  # type: ignore[union-attr]
        fields = {
            "_csrf_token": csrf_token(asked.text),
            "challenge": challenge,
            "mobile": "9812345670",
            "kind": "complaint",
            "topic": "revenue/land_records",
            "district": "bhopal",
            "place": "Bairagarh",
            "text": "The copy of my khasra was not given though I paid the fee.",
        }
        wrong = client.post("/grievances/by-phone", data={**fields, "code": "99999x"})
        assert wrong.status_code == 400 and 'href="#code"' in wrong.text
        code = latest_code(client, "9812345670")
        filed = client.post("/grievances/by-phone", data={**fields, "code": code}, follow_redirects=True)
        assert filed.status_code == 200 and "open" in filed.text and "G" in str(filed.url)
