"""Uploads as an attacker would try them: a polyglot file, a hostile file name, a family filling the disk,
and an Aadhaar number typed into free text."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from catalogue import Catalogue
from family_registry import verhoeff
from gateway.applications.form import check_form
from gateway.documents.download import content_disposition, safe_filename
from gateway.documents.errors import DocumentQuotaExceeded, UnsupportedDocument
from gateway.documents.service import DocumentStore, NewDocument
from gateway.documents.sniff import UnsupportedContent, sniff_content_type
from gateway.documents.tables import Document
from gateway.platform.masking import mask_aadhaar_numbers
from tests.applications.support import JPEG, PDF, World, count
from tests.gateway.signed_in import SignedIn, signed_in, sms

__all__ = ["signed_in", "sms"]

AADHAAR = "234567890124"  # Verhoeff-valid (and not a palindrome, nor starting with 0 or 1)
assert verhoeff.is_valid(AADHAAR)

# HTML with a script that a browser would run, and a PDF after it: PDF readers accept junk before %PDF-.
POLYGLOT = b"<html><body><script>fetch('/api/v1/auth/me')</script>\n" + PDF


class TestSniffing:
    def test_a_polyglot_with_a_pdf_after_html_is_refused(self) -> None:
        """A PDF is a file that starts with ``%PDF-``; one that starts as HTML is not taken as a PDF."""
        with pytest.raises(UnsupportedContent):
            sniff_content_type(POLYGLOT)
        with pytest.raises(UnsupportedContent):
            sniff_content_type(b"\n" + PDF)
        assert sniff_content_type(PDF) == "application/pdf"

    async def test_the_store_refuses_it_and_keeps_nothing(self, world: World) -> None:
        asha = world.people.asha
        with pytest.raises(UnsupportedDocument):
            new = NewDocument(member_id=asha.member_id, doc_type="aadhaar", filename="scan.pdf")
            await world.documents.upload(asha.family_id, new, POLYGLOT, asha.actor)
        assert await count(world.engine, "documents") == 0


class TestDownload:
    @pytest.mark.parametrize(
        ("name", "kind", "ascii_name", "utf8"),
        [
            ("scan.pdf", "application/pdf", "scan.pdf", "scan.pdf"),
            ("../../etc/passwd", "application/pdf", "passwd.pdf", "passwd.pdf"),
            ("C:\\Users\\asha\\photo.html", "image/png", "photo.png", "photo.png"),
            ('x"; filename=evil.html', "image/jpeg", "x_ filename_evil.jpg", "x_%20filename%3Devil.jpg"),
            (
                "a\r\nSet-Cookie: s=1.pdf",
                "application/pdf",
                "a_Set-Cookie_ s_1.pdf",
                "a_Set-Cookie_%20s%3D1.pdf",
            ),
            ("आधार.pdf", "application/pdf", "document.pdf", "%E0%A4%86%E0%A4%A7%E0%A4%BE%E0%A4%B0.pdf"),
            ("", "application/pdf", "document.pdf", "document.pdf"),
        ],
    )
    def test_the_name_is_safe_and_given_twice(self, name: str, kind: str, ascii_name: str, utf8: str) -> None:
        """No folder, no quote or line break, the extension of the judged type; ASCII and RFC 5987 forms."""
        assert (
            content_disposition(name, kind)
            == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8}"
        )
        assert "/" not in safe_filename(name, kind) and "\n" not in safe_filename(name, kind)

    def test_a_download_is_an_attachment(self, signed_in: SignedIn) -> None:
        """Over HTTP, the content comes as an attachment under the safe name, with nosniff."""
        citizen = signed_in.as_role("citizen")
        uploaded = signed_in.client.post(
            "/api/v1/documents",
            files={"file": ("../आधार<script>.html", PDF, "text/html")},
            data={"doc_type": "aadhaar"},
            headers=citizen,
        )
        assert uploaded.status_code == 201, uploaded.text
        fetched = signed_in.client.get(f"/api/v1/documents/{uploaded.json()['id']}/content", headers=citizen)
        assert fetched.status_code == 200 and fetched.content == PDF
        disposition = fetched.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="') and disposition.endswith(".pdf")
        assert "script" in disposition and "<" not in disposition and ".html" not in disposition
        assert fetched.headers["content-type"] == "application/pdf"
        assert fetched.headers["x-content-type-options"] == "nosniff"


def _store(world: World, quota: int) -> DocumentStore:
    return DocumentStore(
        world.engine,
        world.seva.documents.store.storage,
        world.audit,
        max_bytes=world.documents.max_bytes,
        document_types=lambda: world.catalogue.document_types,
        quota_bytes=quota,
    )


class TestQuota:
    async def test_a_family_cannot_store_more_than_its_quota(self, world: World) -> None:
        """Uploads of one family add up; the one that would pass the quota is refused with what is used
        and what is left, in English and Hindi, and nothing is kept; another family has its own quota."""
        asha, meena = world.people.asha, world.people.meena
        store = _store(world, quota=len(PDF) * 2 + len(JPEG) - 1)
        for doc_type in ("aadhaar", "age_proof"):
            await store.upload(
                asha.family_id, NewDocument(member_id=asha.member_id, doc_type=doc_type), PDF, asha.actor
            )
        with pytest.raises(DocumentQuotaExceeded) as refused:
            new = NewDocument(member_id=world.people.kiran.member_id, doc_type="photo")
            await store.upload(asha.family_id, new, JPEG, asha.actor)
        problem = refused.value.document("hi", "/api/v1/documents", "r")
        assert refused.value.status == 413 and problem.code == "document_quota_exceeded"
        assert "MB" in problem.message.en and "हेल्पलाइन" in problem.message.hi
        assert await count(world.engine, "documents") == 2
        await store.upload(
            meena.family_id, NewDocument(member_id=meena.member_id, doc_type="photo"), JPEG, meena.actor
        )


class TestAadhaarInFreeText:
    def test_numbers_are_masked_in_any_form_they_are_typed(self) -> None:
        """Together, in groups with spaces or hyphens, in Devanagari digits; other numbers are left alone."""
        devanagari = "".join(chr(0x966 + int(d)) for d in AADHAAR)
        spaced = f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"
        text_in = f"UID {AADHAAR}, {spaced}, {AADHAAR[:4]}-{AADHAAR[4:8]}-{AADHAAR[8:]}, {devanagari}."
        assert mask_aadhaar_numbers(text_in) == "UID ********0124, ********0124, ********0124, ********0124."
        untouched = "khasra 123456789012, mobile 9876543210, 13 digits 2345678901245, bad check 234567890125"
        assert mask_aadhaar_numbers(untouched) == untouched

    async def test_a_document_issuer_and_name_are_stored_masked(self, world: World) -> None:
        asha = world.people.asha
        new = NewDocument(
            member_id=asha.member_id, doc_type="aadhaar", filename=f"aadhaar {AADHAAR}.pdf",
            issuer=f"UIDAI, no. {AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}",
        )  # fmt: skip
        shown = await world.documents.upload(asha.family_id, new, PDF, asha.actor)
        assert shown.issuer == "UIDAI, no. ********0124" and shown.filename == "aadhaar ********0124.pdf"
        async with world.engine.connect() as conn:
            row = (await conn.execute(select(Document.__table__))).mappings().one()  # type: ignore[attr-defined]
            dump = " ".join(str(v) for v in row.values())
            assert AADHAAR not in dump and AADHAAR[8:] in dump
            entries = " ".join(str(r) for r in (await conn.execute(text("SELECT * FROM audit_entry"))).all())
            assert AADHAAR not in entries

    def test_an_application_form_keeps_free_text_but_not_the_number(self, catalogue: Catalogue) -> None:
        """A text field of a form is stored with the Aadhaar number in it masked (after its own checks)."""
        fields = catalogue.by_code["rev-demarcation"].form
        clean = check_form(
            fields,
            {
                "village": f"Kolar, my Aadhaar {AADHAAR}",
                "tehsil": "Huzur",
                "khasra_number": "123",
                "area_hectare": 1.5,
                "mobile": "9876500001",
            },
        )
        assert clean["village"] == "Kolar, my Aadhaar ********0124"
        assert clean["khasra_number"] == "123"
