"""The shipped catalogue's rules match the schemes: each case a reviewer found wrong now gets the right
verdict, beside a case that is still eligible. Facts are those the registry holds, plus the service's
``form.*`` answers where the registry cannot know them."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from catalogue import Catalogue, ServiceVerdict, evaluate_service, load_catalogue
from tests.conftest import CATALOGUE

# A woman of 45 in a rural BPL family of Sehore who pays no tax and works for no government.
BASE: dict[str, Any] = {
    "member.age": 45, "member.gender": "female", "member.marital_status": "married",
    "member.social_category": "obc", "member.tribe": "none", "member.occupation": "homemaker",
    "member.annual_income": 0, "member.disability_percent": 0, "member.residence_years": 45,
    "member.relation": "spouse", "member.bpl": True, "member.ekyc_done": True, "member.district": "sehore",
    "member.income_tax_payer": False, "member.government_service": "none",
    "family.annual_income": 90_000, "family.size": 5, "family.members_under_18": 2, "family.bpl": True,
    "family.has_ration_card": True, "family.ration_card_type": "none", "family.social_category": "obc",
    "family.district": "sehore", "family.area": "rural", "family.local_body_kind": "gram_panchayat",
    "family.land_hectares": 0.8, "family.income_tax_payer": False,
    "family.government_employee_or_pensioner": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def judge(catalogue: Catalogue, code: str, **facts: Any) -> ServiceVerdict:
    """The verdict for BASE with ``facts`` changed (``member__age`` for ``member.age``; None drops one)."""
    merged = {**BASE, **{name.replace("__", "."): value for name, value in facts.items()}}
    return evaluate_service(catalogue, code, {k: v for k, v in merged.items() if v is not None})


def reasons(verdict: ServiceVerdict) -> list[str]:
    return [reason.en for reason in verdict.reasons]


class TestSocialSecurityPension:
    """``sj-social-security-pension``: destitute elderly, kalyani women, disabled; no tax payers, no
    government servants."""

    CODE = "sj-social-security-pension"

    def test_rich_62_year_old_without_bpl_is_refused(self, catalogue: Catalogue) -> None:
        """62, Rs 25 lakh a year, an income-tax payer, not BPL: not eligible, even before the form."""
        verdict = judge(
            catalogue, self.CODE, member__age=62, member__gender="male", member__annual_income=2_500_000,
            member__income_tax_payer=True, family__bpl=False, member__bpl=False,
        )  # fmt: skip
        assert verdict.status == "not_eligible"
        assert "The applicant must not pay income tax." in reasons(verdict)

    def test_elderly_who_is_not_destitute_is_refused(self, catalogue: Catalogue) -> None:
        """A 62-year-old who declares a livelihood is not a destitute elderly person."""
        verdict = judge(catalogue, self.CODE, member__age=62, form__category="elderly", form__destitute=False)
        assert verdict.status == "not_eligible"

    def test_government_pensioner_is_refused(self, catalogue: Catalogue) -> None:
        """Someone drawing a government pension is refused."""
        verdict = judge(
            catalogue, self.CODE, member__age=70, member__government_service="pensioner",
            form__category="elderly", form__destitute=True,
        )  # fmt: skip
        assert verdict.status == "not_eligible"

    def test_destitute_elderly_is_eligible(self, catalogue: Catalogue) -> None:
        """65, destitute, no tax, no government pension: eligible."""
        verdict = judge(catalogue, self.CODE, member__age=65, form__category="elderly", form__destitute=True)
        assert verdict.status == "eligible"

    def test_before_the_form_it_asks(self, catalogue: Catalogue) -> None:
        """With only the registry's facts, the verdict asks for the category and the destitution."""
        verdict = judge(catalogue, self.CODE, member__age=65)
        assert verdict.status == "undetermined"
        assert verdict.missing_facts == ["form.category", "form.destitute"]


class TestKanyaAbhibhavakPension:
    """``sj-kanya-abhibhavak-pension``: only for parents whose living children are all daughters."""

    CODE = "sj-kanya-abhibhavak-pension"

    def test_parent_with_a_son_is_refused(self, catalogue: Catalogue) -> None:
        """A 66-year-old with two daughters and a son: not eligible, with the reason."""
        verdict = judge(catalogue, self.CODE, member__age=66, form__daughters=2, form__sons=1)
        assert verdict.status == "not_eligible"
        assert reasons(verdict)[0].startswith("The pension is for parents whose only living children are")

    def test_parent_of_only_daughters_is_eligible(self, catalogue: Catalogue) -> None:
        """Two daughters, no son, 66: eligible."""
        assert (
            judge(catalogue, self.CODE, member__age=66, form__daughters=2, form__sons=0).status == "eligible"
        )

    def test_income_tax_payer_is_refused(self, catalogue: Catalogue) -> None:
        """An income-tax payer is refused."""
        verdict = judge(catalogue, self.CODE, member__age=66, form__sons=0, member__income_tax_payer=True)
        assert verdict.status == "not_eligible"


class TestLadliBehna:
    """``wcd-ladli-behna``: land, income tax and government service are read from the registry."""

    CODE = "wcd-ladli-behna"

    def test_twenty_acre_family_is_refused(self, catalogue: Catalogue) -> None:
        """20 acres (8.09 hectares) is over the 5-acre limit."""
        verdict = judge(catalogue, self.CODE, family__land_hectares=8.09)
        assert reasons(verdict) == [
            "The family's agricultural land together must be less than 5 acres (2.02 hectares)."
        ]

    @pytest.mark.parametrize(
        "facts",
        [{"family__income_tax_payer": True}, {"family__government_employee_or_pensioner": True}],
    )
    def test_tax_payers_and_government_families_are_refused(
        self, catalogue: Catalogue, facts: dict[str, Any]
    ) -> None:
        """A family with an income-tax payer, or a government employee or pensioner, is refused."""
        assert judge(catalogue, self.CODE, **facts).status == "not_eligible"

    def test_small_farming_family_is_eligible(self, catalogue: Catalogue) -> None:
        """A married woman of 45 in a family with 0.8 hectares and no tax payer is eligible."""
        assert judge(catalogue, self.CODE).status == "eligible"

    def test_181_is_not_a_way_to_apply(self, catalogue: Catalogue) -> None:
        """181 takes complaints about the scheme; it is not listed as a way to apply."""
        assert "call_181" not in catalogue.service(self.CODE).channels

    def test_the_form_no_longer_asks_what_the_registry_holds(self, catalogue: Catalogue) -> None:
        """Land and income tax are not asked again in the form."""
        names = {field.name for field in catalogue.service(self.CODE).form}
        assert not names & {"family_land_acres", "family_income_tax_payer"}


class TestDomicileCertificate:
    """``gad-domicile-certificate``: the state's criteria are alternatives."""

    CODE = "gad-domicile-certificate"
    NONE_OF_THEM: ClassVar[dict[str, Any]] = {"form__born_in_state": False, "form__parent_residence_years": 0,
                    "form__parent_government_posting": False}  # fmt: skip

    def test_born_in_the_state_and_back_nine_years_ago(self, catalogue: Catalogue) -> None:
        """Born in MP, back for 9 years: eligible (this was refused before)."""
        verdict = judge(catalogue, self.CODE, member__residence_years=9, **{**self.NONE_OF_THEM,
                        "form__born_in_state": True})  # fmt: skip
        assert verdict.status == "eligible"

    @pytest.mark.parametrize(
        "answer", [{"form__parent_residence_years": 25}, {"form__parent_government_posting": True}]
    )
    def test_a_parents_residence_or_posting(self, catalogue: Catalogue, answer: dict[str, Any]) -> None:
        """A parent's long residence, or a parent posted in the state, is enough."""
        verdict = judge(catalogue, self.CODE, member__residence_years=2, **{**self.NONE_OF_THEM, **answer})
        assert verdict.status == "eligible"

    def test_none_of_the_criteria(self, catalogue: Catalogue) -> None:
        """Born elsewhere, 9 years here, no parent's residence or posting: not eligible, one reason."""
        verdict = judge(catalogue, self.CODE, member__residence_years=9, **self.NONE_OF_THEM)
        assert verdict.status == "not_eligible"
        assert len(verdict.reasons) == 1 and verdict.reasons[0].hi

    def test_ten_years_of_own_residence_decides_before_the_form(self, catalogue: Catalogue) -> None:
        """Ten years of residence held by the registry is enough without any form answer."""
        assert judge(catalogue, self.CODE, member__residence_years=10).status == "eligible"


class TestCharacterCertificate:
    """``home-character-certificate``: five years in the same district, not in the state."""

    CODE = "home-character-certificate"

    def test_long_in_the_state_new_to_the_district(self, catalogue: Catalogue) -> None:
        """30 years in the state but 2 in this district: not eligible."""
        verdict = judge(catalogue, self.CODE, member__residence_years=30, form__years_in_district=2)
        assert verdict.status == "not_eligible"

    def test_six_years_in_the_district(self, catalogue: Catalogue) -> None:
        """Six years in the district: eligible, whatever the years in the state."""
        assert judge(catalogue, self.CODE, member__residence_years=6, form__years_in_district=6).status == (
            "eligible"
        )


class TestForestRightsClaim:
    """``ta-forest-rights-claim``: 75 years is the family's three generations before December 2005; the
    State Level Monitoring Committee hears no appeal."""

    CODE = "ta-forest-rights-claim"

    def test_old_claimant_of_a_recent_family_is_refused(self, catalogue: Catalogue) -> None:
        """Not ST, 80 years old and 80 years of residence, but the family came in 1950: not eligible."""
        verdict = judge(
            catalogue, self.CODE, member__social_category="obc", member__age=80, member__residence_years=80,
            form__depends_on_forest=True, form__family_in_forest_since=1950,
        )  # fmt: skip
        assert verdict.status == "not_eligible"

    def test_three_generations(self, catalogue: Catalogue) -> None:
        """Not ST, family in the forest since 1920: eligible."""
        verdict = judge(
            catalogue, self.CODE, member__social_category="obc", form__depends_on_forest=True,
            form__family_in_forest_since=1920,
        )  # fmt: skip
        assert verdict.status == "eligible"

    def test_scheduled_tribe_member(self, catalogue: Catalogue) -> None:
        """An ST member who depends on the forest: eligible whatever the year."""
        verdict = judge(
            catalogue, self.CODE, member__social_category="st", form__depends_on_forest=True,
            form__family_in_forest_since=1990,
        )  # fmt: skip
        assert verdict.status == "eligible"

    def test_no_monitoring_committee_among_the_appeals(self, catalogue: Catalogue) -> None:
        """The claim is not under the guarantee Act; its note names the Forest Rights Act's petitions, and
        no level is the State Level Monitoring Committee."""
        service = catalogue.service(self.CODE)
        assert service.guarantee.covered is False
        assert service.first_appeal is None and service.second_appeal is None
        assert service.guarantee.note is not None and "Forest Rights Act" in service.guarantee.note.en
        assert "Monitoring" not in service.designated_officer.en


class TestMunicipalServices:
    """In a municipal corporation the designated officer and the first appellate authority differ."""

    @pytest.mark.parametrize(
        "code",
        ["ud-trade-licence", "ud-building-permission", "ud-completion-certificate", "ud-water-connection"],
    )
    def test_commissioner_hears_the_appeal_not_the_application(self, catalogue: Catalogue, code: str) -> None:
        """The corporation's first appeal goes to the Commissioner, who is not the designated officer."""
        service = catalogue.service(code)
        assert service.first_appeal is not None
        assert "Commissioner (Municipal Corporation)" in service.first_appeal.officer.en.split(" / ")
        assert "Commissioner (Municipal Corporation)" not in service.designated_officer.en.split(" / ")


class TestEligibilitySlip:
    """``food-eligibility-slip``: the declared priority category is checked against the registry."""

    CODE = "food-eligibility-slip"

    def test_declared_bpl_but_not_bpl(self, catalogue: Catalogue) -> None:
        """A household that declares BPL but is not on the BPL list is refused."""
        verdict = judge(catalogue, self.CODE, family__bpl=False, form__priority_category="bpl")
        assert verdict.status == "not_eligible"

    def test_baiga_household(self, catalogue: Catalogue) -> None:
        """A Baiga household, a particularly vulnerable tribal group, is eligible."""
        verdict = judge(
            catalogue, self.CODE, family__bpl=False, member__tribe="baiga", form__priority_category="pvtg"
        )
        assert verdict.status == "eligible"

    def test_already_holding_a_slip(self, catalogue: Catalogue) -> None:
        """An Antyodaya household already has its slip; it is sent to the add-a-member service."""
        verdict = judge(catalogue, self.CODE, family__ration_card_type="aay", form__priority_category="bpl")
        assert verdict.status == "not_eligible"
        assert "Add a member" in reasons(verdict)[0]

    def test_appeals_go_up_the_local_bodies(self, catalogue: Catalogue) -> None:
        """The first appeal goes to the officer above the designated one (Zila Panchayat, DUDA)."""
        service = catalogue.service(self.CODE)
        assert service.first_appeal is not None
        assert (
            service.first_appeal.officer.en == "CEO, Zila Panchayat (rural) / Project Officer, DUDA (urban)"
        )


class TestPmayGramin:
    """``prd-pmay-gramin``: no application; the catalogue says what a family can do."""

    def test_information_not_an_application(self, catalogue: Catalogue) -> None:
        """An information service with no guarantee, form or delivery, whose steps check the list and
        complain."""
        service = catalogue.service("prd-pmay-gramin")
        assert service.kind == "information"
        assert service.guarantee.covered is False and service.time_limit_days is None
        assert service.delivery is None and not service.form
        assert any("pmayg.nic.in" in step.en for step in service.steps)
        assert any("181" in step.en for step in service.steps)


class TestNewSchemes:
    """Schemes added with the catalogue's growth: each refuses the case its rules exist for and admits one
    that fits."""

    def test_pilgrimage_is_for_sixty_and_over_once(self, catalogue: Catalogue) -> None:
        """Teerth Darshan: 59 is too young; 65 without tax who has not travelled before is eligible; a
        second journey is refused."""
        code = "rel-teerth-darshan"
        assert judge(catalogue, code, member__age=59, form__travelled_before=False).status == "not_eligible"
        assert judge(catalogue, code, member__age=65, form__travelled_before=False).status == "eligible"
        assert judge(catalogue, code, member__age=65, form__travelled_before=True).status == "not_eligible"

    @pytest.mark.parametrize(
        ("board", "percent", "status"),
        [("mpbse", 72, "eligible"), ("cbse_icse", 80, "not_eligible"), ("cbse_icse", 86, "eligible")],
    )
    def test_meritorious_student_marks_by_board(
        self, catalogue: Catalogue, board: str, percent: int, status: str
    ) -> None:
        """Medhavi Vidyarthi: 70% from the MP Board, 85% from CBSE or ICSE."""
        verdict = judge(
            catalogue, "he-medhavi-vidyarthi", member__age=18, member__occupation="student",
            form__board=board, form__class_12_percent=percent,
        )  # fmt: skip
        assert verdict.status == status

    def test_meritorious_student_family_income(self, catalogue: Catalogue) -> None:
        """Medhavi Vidyarthi: a family earning more than Rs 8 lakh is refused."""
        verdict = judge(
            catalogue, "he-medhavi-vidyarthi", family__annual_income=900_000, form__board="mpbse",
            form__class_12_percent=90,
        )  # fmt: skip
        assert verdict.status == "not_eligible"

    @pytest.mark.parametrize(
        ("mine", "spouse", "status"),
        [("sc", "general", "eligible"), ("obc", "sc", "eligible"), ("sc", "sc", "not_eligible"),
         ("obc", "general", "not_eligible")],
    )  # fmt: skip
    def test_inter_caste_marriage_needs_one_scheduled_caste_spouse(
        self, catalogue: Catalogue, mine: str, spouse: str, status: str
    ) -> None:
        """One spouse of a scheduled caste and the other not."""
        verdict = judge(
            catalogue, "scw-inter-caste-marriage", member__social_category=mine, form__spouse_category=spouse,
        )  # fmt: skip
        assert verdict.status == status

    def test_solar_pump_needs_no_grid_pump_or_its_surrender(self, catalogue: Catalogue) -> None:
        """A farmer with a grid pump connection who will not give it up is refused; one who will is not."""
        code = "nre-solar-pump"
        grid = {"form__permanent_connection": True}
        assert judge(catalogue, code, **grid, form__will_surrender_connection=False).status == "not_eligible"
        assert judge(catalogue, code, **grid, form__will_surrender_connection=True).status == "eligible"
        assert judge(catalogue, code, family__land_hectares=0, form__permanent_connection=False).status == (
            "not_eligible"
        )

    def test_udyam_kranti_loan_limits(self, catalogue: Catalogue) -> None:
        """Udyam Kranti: a service enterprise borrows up to Rs 25 lakh, a manufacturing one up to 50."""
        answers = {"form__class_8_passed": True, "form__bank_defaulter": False}
        service = judge(catalogue, "msme-udyam-kranti", form__enterprise="service", form__loan_inr=3_000_000,
                        **answers)  # fmt: skip
        assert service.status == "not_eligible"
        factory = judge(catalogue, "msme-udyam-kranti", form__enterprise="manufacturing",
                        form__loan_inr=3_000_000, **answers)  # fmt: skip
        assert factory.status == "eligible"
        assert judge(catalogue, "msme-udyam-kranti", member__age=50, form__enterprise="manufacturing",
                     form__loan_inr=100_000, **answers).status == "not_eligible"  # fmt: skip

    def test_seekho_kamao_age_band(self, catalogue: Catalogue) -> None:
        """Seekho Kamao: 18 to 29 with class 12 or more."""
        code = "skill-seekho-kamao"
        assert judge(catalogue, code, member__age=24, form__qualification="iti").status == "eligible"
        assert judge(catalogue, code, member__age=31, form__qualification="iti").status == "not_eligible"
        assert judge(catalogue, code, member__age=24, form__qualification="below_12").status == "not_eligible"

    def test_regional_pollution_consent_is_for_small_projects(self, catalogue: Catalogue) -> None:
        """The regional officer's consent is for projects up to Rs 10 crore."""
        code = "env-consent-regional"
        assert judge(catalogue, code, form__project_cost_crore=8).status == "eligible"
        assert judge(catalogue, code, form__project_cost_crore=40).status == "not_eligible"
