"""The public page of a service's history: each version in which it changed, what changed, in English and
Hindi, drawn from the versions the server recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import InProcessServer
from tests.versions.conftest import DRIVING, LEARNER, changed_learner


def test_the_history_page_shows_what_changed_in_both_languages(
    app_factory: Callable[..., InProcessServer], db_url: str, catalogue_file: Path
) -> None:
    server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_CATALOGUE": str(catalogue_file)})
    with server.client() as client:
        first = server.seva.platform.catalogue.current.digest
        alone = client.get(f"/audit/services/{LEARNER}/history", headers={"accept-language": "en"})
        assert alone.status_code == 200 and "The first version seva kept of this service." in alone.text
        catalogue_file.write_text(
            changed_learner(catalogue_file.read_text(encoding="utf-8")), encoding="utf-8"
        )
        assert server.seva.platform.catalogue.reload()
        for recording in list(server.seva.versions.service.pending):
            recording.result(timeout=60)
        second = server.seva.platform.catalogue.current.digest
        english = client.get(f"/audit/services/{LEARNER}/history", headers={"accept-language": "en"}).text
        client.cookies.set("seva_lang", "hi")
        hindi = client.get(f"/audit/services/{LEARNER}/history").text
        unchanged = client.get(f"/audit/services/{DRIVING}/history").text
        linked = client.get(f"/audit/services/{LEARNER}").text
        missing = client.get("/audit/services/no-such-service/history")
    # Newest first: the second version with its changes, then the first.
    assert english.index(second[:12]) < english.index(first[:12])
    assert "<td>Fee</td>" in english and "Rs 250 (" in english and "member.age &gt;= 18" in english
    assert "<td>Eligibility rule</td>" in english and "member.age &gt;= 16" in english
    assert '<html lang="hi">' in hindi and "<td>शुल्क</td>" in hindi and "₹250 (" in hindi
    assert "पात्रता नियम" in hindi and "न्यूनतम आयु" in hindi and "में क्या बदला" in hindi
    # A service that did not change shows its one version.
    assert first[:12] in unchanged and second[:12] not in unchanged
    assert f'href="/audit/services/{LEARNER}/history"' in linked
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
