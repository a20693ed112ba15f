"""Never ask for what the registry holds: the catalogue says which fields and documents the family registry
fills, the loader checks each declaration, and no form of the whole catalogue asks for such a value."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from catalogue import Catalogue
from catalogue.registry_held import HELD_PROOFS, HELD_VALUES
from family_registry.held import held_proofs, held_values
from gateway.applications.prefill import asked_fields, fill_from_registry, registry_documents
from tests.building import shipped_catalogue
from tests.catalogue.samples import Data, load, mini_catalogue, problems, service, text

# Fields about someone other than the signed-in applicant, whose values the registry cannot hold yet (a
# member being added to a family has no Samagra ID of their own until they are added).
ABOUT_SOMEONE_ELSE = {("food-slip-add-member", "member_samagra_id")}

# A member of a BPL Scheduled Tribe family in Dindori, e-KYC done, Aadhaar on record: the registry holds
# every value and proof of ``catalogue.registry_held`` for them.
_FAMILY = SimpleNamespace(
    village_or_town="Kharidih",
    ward=None,
    local_body="Samnapur",
    bpl=True,
    district="dindori",
)
_MEMBER = SimpleNamespace(
    member_id="200001011", family_id="20000101", name_en="Sukhiya Dhurve", date_of_birth=dt.date(1958, 3, 10),
    gender="female", social_category="st", mobile="9876511111", aadhaar_last4="4821", ekyc_done=True,
)  # fmt: skip


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return shipped_catalogue()


class TestTheLoaderChecksEachDeclaration:
    def _field(self, data: Data, **changes: object) -> None:
        data["services"][0]["form"].append(
            {"name": "contact", "label": text("Mobile", "मोबाइल"), "type": "mobile", **changes}
        )

    def test_an_unknown_value_is_named_with_the_known_ones(self) -> None:
        data = mini_catalogue()
        self._field(data, from_registry="member.phone")
        (problem,) = problems(data)
        assert problem.path == "services[0].form[1].from_registry"
        assert "'member.phone'" in problem.message and "member.mobile" in problem.message

    def test_a_value_fills_only_a_field_of_its_kind(self) -> None:
        data = mini_catalogue()
        self._field(data, from_registry="member.date_of_birth")
        (problem,) = problems(data)
        assert "member.date_of_birth fills a date field, not a mobile field" in problem.message

    def test_a_choice_must_offer_a_value_the_registry_can_hold(self) -> None:
        data = mini_catalogue()
        data["services"][0]["form"].append({
            "name": "category", "label": text("Category", "वर्ग"), "type": "choice",
            "choices": [{"value": "elderly", "label": text("Elderly", "वृद्ध")}],
            "from_registry": "member.social_category",
        })  # fmt: skip
        (problem,) = problems(data)
        assert "none of the choices is a value member.social_category can take" in problem.message

    def test_an_unknown_proof_on_a_document_type(self) -> None:
        data = mini_catalogue()
        data["document_types"][0]["from_registry"] = "fingerprint"
        (problem,) = problems(data)
        assert problem.path == "document_types[0].from_registry" and "samagra_id" in problem.message

    def test_good_declarations_load(self) -> None:
        data = mini_catalogue()
        self._field(data, from_registry="member.mobile")
        data["document_types"][0]["from_registry"] = "aadhaar"
        data["services"] = [*data["services"], service("rev-other", form=[])]
        loaded = load(data)
        assert loaded.document_types["aadhaar"].from_registry == "aadhaar"
        assert loaded.services[0].form[1].from_registry == "member.mobile"


class TestTheWholeCatalogue:
    def test_no_form_asks_for_a_value_the_registry_holds(self, real: Catalogue) -> None:
        """The applicant's mobile number (every ``mobile`` field) and their Samagra or Aadhaar numbers are
        declared ``from_registry`` wherever a form has them."""
        asking = [
            f"{s.code}.{f.name}"
            for s in real.services
            for f in s.form
            if f.from_registry is None
            and (s.code, f.name) not in ABOUT_SOMEONE_ELSE
            and (f.type == "mobile" or "samagra" in f.name or "aadhaar" in f.name)
        ]
        assert asking == []

    def test_documents_the_registry_stands_in_for_are_declared(self, real: Catalogue) -> None:
        """Samagra ID, Aadhaar, age proof (e-KYC) and the BPL card: the registry's, never an upload."""
        declared = {code: d.from_registry for code, d in real.document_types.items() if d.from_registry}
        assert declared == {
            "samagra_id": "samagra_id", "aadhaar": "aadhaar", "age_proof": "ekyc_date_of_birth",
            "bpl_card": "bpl",
        }  # fmt: skip
        assert set(declared.values()) <= set(HELD_PROOFS)

    def test_for_a_member_the_registry_knows_fully_no_declared_field_or_document_is_asked(
        self, real: Catalogue
    ) -> None:
        """Filled from a real record, every declared field takes the registry's value (its pattern and
        choices accept it), and every declared document is the registry's."""
        held = held_values(_FAMILY, _MEMBER, size=6, head_name="Sukhiya Dhurve", district_name="Dindori")
        assert set(held) == set(HELD_VALUES)
        proofs = held_proofs(_FAMILY, _MEMBER)
        assert proofs == set(HELD_PROOFS)
        for found in real.services:
            asked = {spec.name for spec in asked_fields(found.form, held)}
            declared = {spec.name for spec in found.form if spec.from_registry}
            assert asked & declared == set(), found.code
            form, filled = fill_from_registry(found.form, {}, held)
            assert set(filled) == declared and all(form[name] is not None for name in declared)
            needed = [d.type for d in found.documents]
            held_documents = registry_documents(needed, real.document_types, proofs)
            assert set(held_documents) == {t for t in needed if real.document_types[t].from_registry}

    def test_without_e_kyc_or_aadhaar_the_upload_is_asked(self, real: Catalogue) -> None:
        """The registry stands in for a proof only when it holds one: no e-KYC, no age proof."""
        member = SimpleNamespace(**{**vars(_MEMBER), "ekyc_done": False, "aadhaar_last4": None})
        family = SimpleNamespace(**{**vars(_FAMILY), "bpl": False})
        assert held_proofs(family, member) == {"samagra_id"}
        needed = ["aadhaar", "age_proof", "bpl_card", "samagra_id", "photo"]
        assert registry_documents(needed, real.document_types, held_proofs(family, member)) == {
            "samagra_id": "samagra_id"
        }
