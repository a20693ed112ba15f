"""The citizen's way through the pages, in process: sign in, see the family, apply, check, send, follow.

The application runs in demo mode (sign-in codes are read from the demo inbox), on a clock the tests move,
over the Dindori family of six and a Bhopal family of one (``tests/web/support.py``).
"""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image

from tests.conftest import InProcessServer
from tests.web.support import DHURVE, SHARMA, csrf_token, sign_in

PENSION = "sj-old-age-pension"  # 60+, BPL: bank account, IFSC and mobile; bank passbook and photo
FORM_OK = {"f-bank_account_number": "123456789012", "f-ifsc": "SBIN0001234"}


def _jpeg(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", quality=95)
    return out.getvalue()


def _phone_photo() -> bytes:
    """Like a phone's photo of a page: 12 megapixels, shades and grain, at the camera's high quality."""
    shades = Image.linear_gradient("L").resize((3000, 4000)).convert("RGB")
    grain = Image.effect_noise((3000, 4000), 40).convert("RGB")
    out = io.BytesIO()
    Image.blend(shades, grain, 0.25).save(out, format="JPEG", quality=95)
    return out.getvalue()


def _apply(
    client: httpx.Client, member: str, fields: dict[str, str], files: dict[str, bytes]
) -> httpx.Response:
    form = client.get(f"/apply/{PENSION}/{member}")
    assert form.status_code == 200, form.text
    return client.post(
        f"/apply/{PENSION}/{member}",
        data={"_csrf_token": csrf_token(form.text), **fields},
        files={name: (f"{name}.jpg", data, "image/jpeg") for name, data in files.items()},
        follow_redirects=True,
    )


class TestFamilyPage:
    def test_every_member_with_what_they_can_get_now_with_one_more_fact_and_why_not(
        self, browser_client: httpx.Client
    ) -> None:
        """The family page lists all six members; the grandmother can get the old age pension now, one
        member's missing fact is named, and a refused scheme says why in plain words."""
        page = sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        assert page.status_code == 200 and str(page.url).endswith("/family")
        for name in ("Sukhiya", "Ramesh", "Kamla", "Sunita", "Raju", "Gudiya"):
            assert f"{name} Dhurve" in page.text
        grandmother = page.text.split('id="m-200001011"')[1].split('<section class="member"')[0]
        assert f'href="/apply/{PENSION}/{DHURVE.head}"' in grandmother
        kamla = page.text.split('id="m-200001013"')[1].split('<section class="member"')[0]
        assert "years of residence in the state" in kamla  # no residence years in her record
        assert "Meera Sharma" not in page.text

    def test_the_family_page_in_hindi(self, browser_client: httpx.Client) -> None:
        """In Hindi the names are the registry's Hindi names and the page says lang="hi"."""
        browser_client.cookies.set("seva_lang", "hi")
        page = sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        assert '<html lang="hi">' in page.text
        assert "सुखिया धुर्वे" in page.text and "आपके परिवार को क्या मिल सकता है" in page.text
        assert "What your family can get" not in page.text


class TestApply:
    def test_the_form_asks_nothing_the_registry_holds_and_says_where_it_came_from(
        self, browser_client: httpx.Client
    ) -> None:
        """The mobile number is shown masked from the Samagra record, never asked; Samagra ID, Aadhaar, age
        proof and BPL card are the record's; only the bank details and two uploads are asked."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        form = browser_client.get(f"/apply/{PENSION}/{DHURVE.head}")
        inputs = set(re.findall(r'<input[^>]* name="([^"]+)"', form.text)) - {"_csrf_token"}
        assert inputs == {"f-bank_account_number", "f-ifsc", "d-bank_passbook", "d-photo"}
        assert "******1111" in form.text and DHURVE.mobile not in form.text
        assert form.text.count("Not needed: your Samagra record holds it") == 4  # Samagra ID too
        assert "at most 5 MB" in form.text.split('type="file"')[0]  # the limit is said before the upload

    def test_a_failed_form_keeps_what_was_typed_and_links_each_error(
        self, browser_client: httpx.Client
    ) -> None:
        """A missing field and a missing upload are each in the summary, linked to the input; the typed
        value stays; an upload that did go through is shown attached the next time."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        answer = _apply(browser_client, DHURVE.head, {"f-bank_account_number": "123456789012"},
                        {"d-photo": _jpeg()})  # fmt: skip
        assert answer.status_code == 400
        summary = answer.text.split('class="error-summary"')[1].split("</div>")[0]
        assert 'href="#f-ifsc"' in summary and 'href="#d-bank_passbook"' in summary
        assert 'href="#d-photo"' not in summary
        assert 'value="123456789012"' in answer.text
        assert 'name="d-photo"' not in answer.text and "Attached from your documents" in answer.text
        assert "<title>Error:" in answer.text

    def test_apply_check_send_twice_and_follow(
        self, web: InProcessServer, browser_client: httpx.Client
    ) -> None:
        """The check page shows the answers; sending twice (a second tap, a reload) files one application;
        the confirmation reads the reference in groups and gives the date the decision is due."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        check = _apply(browser_client, DHURVE.head, FORM_OK, {"d-bank_passbook": _jpeg(), "d-photo": _jpeg()})
        assert check.status_code == 200 and str(check.url).endswith("/check"), check.text
        assert "123456789012" in check.text and "SBIN0001234" in check.text
        token = csrf_token(check.text)
        first = browser_client.post(str(check.url), data={"_csrf_token": token}, follow_redirects=True)
        second = browser_client.post(str(check.url), data={"_csrf_token": token}, follow_redirects=True)
        assert first.status_code == second.status_code == 200
        assert first.url == second.url and "?submitted" in str(first.url)
        reference = str(first.url).split("/applications/")[1].split("?")[0]
        grouped = " ".join(reference[i : i + 4] for i in range(0, 13, 4))
        assert 'class="reference"' in first.text and grouped in first.text
        assert "The law says the decision is due by" in first.text
        listed = browser_client.get("/applications")
        assert listed.text.count('class="result-title"') == 1 and grouped in listed.text
        shown = browser_client.get(f"/applications/{reference}")
        assert shown.status_code == 200 and "Submitted" in shown.text

    def test_a_phone_photo_over_the_limit_is_made_smaller_not_refused(
        self, app_factory: object, tmp_path: object
    ) -> None:
        """With a 300 KB limit, a 5 MB phone photo is stored smaller than the limit, and the PDF-or-photo
        rule still holds for what is not a picture."""
        from collections.abc import Callable

        from tests.web.support import seed_households

        factory: Callable[..., InProcessServer] = app_factory  # type: ignore[assignment]
        server = factory({"SEVA_DEMO": "1", "SEVA_INPROCESS_WORKERS": "0", "SEVA_MAX_UPLOAD_BYTES": "307200"})
        with server.client() as client:
            client.headers["accept"] = "text/html"
            seed_households(server.app.state.settings.database_url)
            sign_in(client, DHURVE.mobile, DHURVE.mobile)
            big = _phone_photo()
            assert len(big) > 5_000_000
            answer = _apply(
                client, DHURVE.head, FORM_OK, {"d-photo": big, "d-bank_passbook": b"not a scan " * 10}
            )
            assert answer.status_code == 400
            assert 'href="#d-bank_passbook"' in answer.text and 'href="#d-photo"' not in answer.text
            documents = client.get("/documents")
            size = re.search(r"(\d+) KB", documents.text)
            assert size and int(size.group(1)) <= 300


class TestTrack:
    def test_a_reference_shows_status_only_to_anyone(
        self, web: InProcessServer, browser_client: httpx.Client
    ) -> None:
        """Signed out, in another browser, the reference shows the service and status, no name or ID."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        check = _apply(browser_client, DHURVE.head, FORM_OK, {"d-bank_passbook": _jpeg(), "d-photo": _jpeg()})
        done = browser_client.post(
            str(check.url), data={"_csrf_token": csrf_token(check.text)}, follow_redirects=True
        )
        reference = str(done.url).split("/applications/")[1].split("?")[0]
        with web.client() as stranger:
            stranger.headers["accept"] = "text/html"
            page = stranger.get("/track", params={"reference": reference})
        assert page.status_code == 200
        assert "Indira Gandhi National Old Age Pension" in page.text and "Submitted" in page.text
        for personal in ("Sukhiya", DHURVE.head, DHURVE.family_id, "1111"):
            assert personal not in page.text

    @pytest.mark.parametrize(("typed", "status"), [("12345", 400), ("2611-0000-0000-9", 404)])
    def test_a_wrong_reference_is_an_error_beside_the_field(
        self, browser_client: httpx.Client, typed: str, status: int
    ) -> None:
        page = browser_client.get("/track", params={"reference": typed})
        assert page.status_code == status
        assert 'href="#reference"' in page.text and f'value="{typed}"' in page.text


class TestOtherFamilies:
    def test_a_citizen_never_sees_another_familys_data_on_any_page(
        self, web: InProcessServer, browser_client: httpx.Client
    ) -> None:
        """The Dhurves apply and upload; Meera Sharma, signed in, finds none of it: their members,
        applications and documents are "not found" pages, and her own pages name only her."""
        sign_in(browser_client, DHURVE.mobile, DHURVE.mobile)
        check = _apply(browser_client, DHURVE.head, FORM_OK, {"d-bank_passbook": _jpeg(), "d-photo": _jpeg()})
        done = browser_client.post(
            str(check.url), data={"_csrf_token": csrf_token(check.text)}, follow_redirects=True
        )
        reference = str(done.url).split("/applications/")[1].split("?")[0]
        document = re.search(r"/documents/([0-9a-f]{32})/download", browser_client.get("/documents").text)
        assert document
        with web.client() as other:
            other.headers["accept"] = "text/html"
            sign_in(other, SHARMA.mobile, SHARMA.mobile)
            for path in (
                f"/apply/{PENSION}/{DHURVE.head}",
                f"/apply/{PENSION}/{DHURVE.head}/check",
                f"/applications/{reference}",
                f"/documents/{document.group(1)}/download",
            ):
                answer = other.get(path)
                assert answer.status_code == 404, path
                assert "Sukhiya" not in answer.text and "Dhurve" not in answer.text
            for path in ("/family", "/applications", "/documents"):
                answer = other.get(path)
                assert answer.status_code == 200, path
                assert "Dhurve" not in answer.text and reference not in answer.text, path
            assert "Meera Sharma" in other.get("/family").text
