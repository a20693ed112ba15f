"""The document store against a real database and real files: what is kept, what is refused."""

from __future__ import annotations

import hashlib

import pytest

from gateway.documents.errors import (
    DocumentTooLarge,
    InvalidDocumentField,
    UnknownDocumentType,
    UnsupportedDocument,
)
from gateway.documents.service import NewDocument
from schemas.applications_api import ApplicationCreate
from tests.applications.support import JPEG, LEARNER_DOCS, PDF, PNG, World, count, learner_form


class TestUpload:
    async def test_kept_with_its_digest_and_the_type_its_bytes_show(self, world: World) -> None:
        """A PDF named .png is stored as application/pdf, under its SHA-256, and reads back unchanged."""
        asha = world.people.asha
        new = NewDocument(member_id=asha.member_id, doc_type="aadhaar", filename="scan.png", issuer="UIDAI")
        stored = await world.documents.upload(asha.family_id, new, PDF, asha.actor)
        assert stored.content_type == "application/pdf"
        assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
        assert stored.issuer == "UIDAI" and stored.size == len(PDF)
        assert await world.documents.content(stored) == PDF
        listed = await world.documents.list_family(asha.family_id)
        assert [d.id for d in listed] == [stored.id]

    @pytest.mark.parametrize(("data", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
    async def test_images_are_recognised(self, world: World, data: bytes, kind: str) -> None:
        """PNG and JPEG bytes are accepted and typed by their signature."""
        asha = world.people.asha
        stored = await world.documents.upload(
            asha.family_id, NewDocument(member_id=asha.member_id, doc_type="photo"), data, asha.actor
        )
        assert stored.content_type == kind

    async def test_too_large_is_refused_and_nothing_kept(self, world: World) -> None:
        """A file over the limit is refused before anything is written."""
        asha = world.people.asha
        big = PDF + b" " * (world.documents.max_bytes + 1)
        with pytest.raises(DocumentTooLarge) as caught:
            new = NewDocument(member_id=asha.member_id, doc_type="aadhaar")
            await world.documents.upload(asha.family_id, new, big, asha.actor)
        assert caught.value.limit == world.documents.max_bytes
        assert await count(world.engine, "documents") == 0

    async def test_wrong_content_is_refused_whatever_its_name(self, world: World) -> None:
        """Text named .pdf is not a PDF and is refused."""
        asha = world.people.asha
        new = NewDocument(member_id=asha.member_id, doc_type="aadhaar", filename="aadhaar.pdf")
        with pytest.raises(UnsupportedDocument):
            await world.documents.upload(asha.family_id, new, b"just some text " * 20, asha.actor)
        assert await count(world.engine, "documents") == 0

    async def test_unknown_type_and_expired_document_are_refused(self, world: World) -> None:
        """A type the catalogue does not declare, and a validity date in the past, are refused."""
        asha = world.people.asha
        with pytest.raises(UnknownDocumentType):
            await world.documents.upload(
                asha.family_id, NewDocument(member_id=asha.member_id, doc_type="moon_rock"), PDF, asha.actor
            )
        expired = NewDocument(member_id=asha.member_id, doc_type="aadhaar", valid_until="2001-01-01")
        with pytest.raises(InvalidDocumentField) as caught:
            await world.documents.upload(asha.family_id, expired, PDF, asha.actor)
        assert caught.value.field == "valid_until"


class TestAutoFetch:
    async def test_one_upload_serves_two_applications(self, world: World) -> None:
        """Documents uploaded once are attached to two applications for different services."""
        asha = world.people.asha
        ids = {
            doc_type: await world.upload(asha, doc_type) for doc_type in (*LEARNER_DOCS, "learner_licence")
        }
        first = await world.apply(asha, key="first")
        body_form = learner_form(learner_licence_number="MP04 2026 0012345")

        second, _ = await world.applications.submit(
            asha.caller,
            ApplicationCreate(service_code="tr-driving-licence", member_id=asha.member_id, form=body_form),
            "second",
        )  # fmt: skip
        one = await world.applications.get(first)
        fetched_one = {d.type: d.document_id for d in one.documents if d.status == "fetched"}
        fetched_two = {d.type: d.document_id for d in second.documents if d.status == "fetched"}
        for shared in ("aadhaar", "address_proof", "photo"):
            assert fetched_one[shared] == fetched_two[shared] == ids[shared]
        assert fetched_two["learner_licence"] == ids["learner_licence"]
        assert [d.type for d in one.documents if d.status == "missing"] == ["medical_fitness"]

    async def test_newest_document_of_a_type_is_used(self, world: World) -> None:
        """When a type was uploaded twice, the newer upload is attached."""
        asha = world.people.asha
        for doc_type in LEARNER_DOCS:
            await world.upload(asha, doc_type)
        newer = await world.upload(asha, "photo", PNG)
        application = await world.applications.get(await world.apply(asha))
        assert {d.type: d.document_id for d in application.documents}["photo"] == newer
