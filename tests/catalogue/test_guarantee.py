"""What the law covers, and checks a service must pass beyond its types: the guarantee and its time limit,
appeal windows kept apart from the days to decide, information services, sources and ``inferred``."""

from __future__ import annotations

import pytest

from catalogue import CatalogueProblem
from tests.catalogue.samples import Data, dump, line_of, load, not_covered, problems, text


def only(found: list[CatalogueProblem]) -> CatalogueProblem:
    assert len(found) == 1, "\n".join(str(p) for p in found)
    return found[0]


def messages(data: Data) -> dict[str, str]:
    return {p.path: p.message for p in problems(data)}


def information(data: Data) -> Data:
    """Service 0 turned into a valid information service."""
    service = data["services"][0]
    service.update(
        kind="information",
        guarantee=not_covered("Chosen from a survey list.", "सर्वे सूची से चयन।"),
        steps=[text("Check the list at the gram panchayat.", "ग्राम पंचायत में सूची देखें।")],
    )
    for name in ("delivery", "form", "documents", "first_appeal", "second_appeal"):
        del service[name]
    return data


class TestTimeLimit:
    """A limit is counted in working days, calendar days or the same day; 0 days means the same day."""

    def test_same_day_is_a_limit_of_zero(self, data: Data) -> None:
        """``{days: 0, unit: same_day}`` loads, and the deadline code reads 0 days."""
        data["services"][0]["guarantee"]["time_limit"] = {"days": 0, "unit": "same_day"}
        service = load(data).service("rev-income-certificate")
        assert service.guarantee.time_limit is not None
        assert (service.guarantee.time_limit.unit, service.time_limit_days) == ("same_day", 0)

    def test_calendar_days(self, data: Data) -> None:
        """Calendar days are their own unit."""
        data["services"][0]["guarantee"]["time_limit"] = {"days": 45, "unit": "calendar_days"}
        limit = load(data).service("rev-income-certificate").guarantee.time_limit
        assert limit is not None and (limit.days, limit.unit) == (45, "calendar_days")

    @pytest.mark.parametrize(
        ("limit", "message"),
        [
            ({"days": 3, "unit": "same_day"}, "a same_day limit is written with days: 0"),
            ({"days": 0, "unit": "working_days"}, "a limit of 0 days is written as unit: same_day"),
        ],
    )
    def test_unit_and_days_agree(self, data: Data, limit: dict[str, object], message: str) -> None:
        """A same-day limit has 0 days and only it does."""
        data["services"][0]["guarantee"]["time_limit"] = limit
        problem = only(problems(data))
        assert (problem.path, problem.message) == ("services[0].guarantee.time_limit.days", message)

    def test_unknown_unit_lists_the_units(self, data: Data) -> None:
        """A unit that does not exist names the three that do."""
        data["services"][0]["guarantee"]["time_limit"]["unit"] = "days"
        assert only(problems(data)).message == "'days' is not one of: calendar_days, same_day, working_days"


class TestCovered:
    """A service the Act covers promises a time limit and two appeals, and names the source of that."""

    def test_covered_needs_a_time_limit(self, data: Data) -> None:
        """No time limit, no guarantee: the problem says what to write."""
        del data["services"][0]["guarantee"]["time_limit"]
        problem = only(problems(data))
        assert problem.path == "services[0].guarantee"
        assert "time_limit: {days: N, unit: working_days}" in problem.message

    @pytest.mark.parametrize("appeal", ["first_appeal", "second_appeal"])
    def test_covered_needs_both_appeals(self, data: Data, appeal: str) -> None:
        """Both appellate levels of the Act are named."""
        del data["services"][0][appeal]
        assert f"needs its {appeal}" in only(problems(data)).message

    def test_source_is_one_of_the_services_sources(self, data: Data) -> None:
        """The notification's source must be among the service's sources, so an auditor finds it."""
        data["services"][0]["guarantee"]["source"] = "https://elsewhere.example/notice"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[0].guarantee.source"
        assert problem.line == line_of(text_, "source: https://elsewhere.example/notice")

    def test_covered_needs_a_source(self, data: Data) -> None:
        """A guarantee without the source that reports it is refused."""
        del data["services"][0]["guarantee"]["source"]
        assert "the source that reports its notification" in only(problems(data)).message


class TestNotCovered:
    """A scheme the Act does not cover shows no guarantee: no time limit, no appeals, a note saying why."""

    def test_loads_and_promises_nothing(self, data: Data) -> None:
        """Without time limit and appeals, the service says so: ``time_limit_days`` is None."""
        service = data["services"][1]
        service["guarantee"] = not_covered()
        del service["first_appeal"], service["second_appeal"]
        loaded = load(data).service("sj-old-age-pension")
        assert loaded.guarantee.covered is False
        assert loaded.time_limit_days is None
        assert (loaded.first_appeal, loaded.second_appeal) == (None, None)

    def test_no_time_limit_no_appeals_a_note(self, data: Data) -> None:
        """Each promise kept on an uncovered service is refused, and the missing note is asked for."""
        data["services"][1]["guarantee"] = {
            "covered": False,
            "time_limit": {"days": 15, "unit": "working_days"},
        }
        assert messages(data) == {
            "services[1].guarantee.time_limit": "a service the Act does not cover has no time_limit",
            "services[1].first_appeal": "appeals under the Act are only for services it covers",
            "services[1].second_appeal": "appeals under the Act are only for services it covers",
            "services[1].guarantee": "say in a note (en, hi) why the Act does not cover the service and what "
            "governs it",
        }


class TestAppealWindows:
    """The citizen's days to file an appeal are apart from the appellate authority's days to decide."""

    def test_windows_come_from_the_act(self, data: Data) -> None:
        """Left out, the windows are the Act's 30 and 60 days; the days to decide are the service's own."""
        service = load(data).service("rev-income-certificate")
        assert service.first_appeal is not None and service.second_appeal is not None
        assert (service.first_appeal.file_within_days, service.first_appeal.decide_days) == (30, 30)
        assert (service.second_appeal.file_within_days, service.second_appeal.decide_days) == (60, 60)

    def test_a_service_may_give_its_own_window(self, data: Data) -> None:
        """A window written on the service is kept."""
        data["services"][0]["first_appeal"]["file_within_days"] = 45
        data["services"][0]["first_appeal"]["decide_days"] = 15
        appeal = load(data).service("rev-income-certificate").first_appeal
        assert appeal is not None and (appeal.file_within_days, appeal.decide_days) == (45, 15)

    def test_old_days_field_is_refused_with_a_hint(self, data: Data) -> None:
        """The ambiguous ``days`` of old catalogues is refused, pointing at ``decide_days``."""
        data["services"][0]["first_appeal"]["days"] = data["services"][0]["first_appeal"].pop("decide_days")
        found = messages(data)
        assert found["services[0].first_appeal.days"].startswith("unknown field 'days'; write decide_days")


class TestInformationService:
    """Where there is nothing to apply for, the catalogue says what a citizen can do instead."""

    def test_valid_information_service(self, data: Data) -> None:
        """Steps and no form, documents, delivery or guarantee: it loads."""
        service = load(information(data)).service("rev-income-certificate")
        assert service.kind == "information"
        assert service.steps[0].hi == "ग्राम पंचायत में सूची देखें।"
        assert service.delivery is None

    def test_nothing_to_deliver_or_fill(self, data: Data) -> None:
        """A form, documents, a delivery or a guarantee on an information service are each refused."""
        data = information(data)
        data["services"][0].update(
            delivery={"adapter": "local_revenue", "operation": "x"},
            documents=[{"type": "aadhaar"}],
            steps=[],
        )
        assert messages(data) == {
            "services[0].delivery": "an information service goes to no department; leave delivery out",
            "services[0].documents": "an information service takes no application, so no documents",
            "services[0]": "an information service needs steps: what the citizen can do "
            "(check a list, complain)",
        }

    def test_an_application_needs_a_delivery(self, data: Data) -> None:
        """An application with no department to deliver it to is refused."""
        del data["services"][0]["delivery"]
        assert only(problems(data)).message == "an application needs delivery: {adapter: ..., operation: ...}"


class TestSourcesAndInferred:
    """Every service is sourced, and every guessed field is named correctly."""

    def test_no_service_without_a_source(self, data: Data) -> None:
        """No sources at all is refused."""
        data["services"][2]["sources"] = []
        assert messages(data)["services[2].sources"].startswith("no source: add sources")

    @pytest.mark.parametrize(
        ("sources", "message"),
        [
            (["www.example.gov.in/page"], "a source is a web address starting with http:// or https://"),
            (["https://a.example/x", "https://a.example/x"], "this source is listed twice"),
        ],
    )
    def test_each_source_is_one_web_address(self, data: Data, sources: list[str], message: str) -> None:
        """Sources are web addresses, each once."""
        data["services"][2]["sources"] = sources
        assert message in messages(data).values()

    def test_inferred_names_fields(self, data: Data) -> None:
        """A nested field is accepted; a misspelt one is refused."""
        data["services"][0]["inferred"] = ["guarantee.time_limit.unit", "first_appeal", "designated_oficer"]
        problem = only(problems(data))
        assert problem.path == "services[0].inferred[2]"
        assert problem.message.startswith("'designated_oficer' is not a field of a service")

    def test_the_act_is_sourced(self, data: Data) -> None:
        """The guarantee Act itself needs a source."""
        data["guarantee_act"]["sources"] = []
        assert only(problems(data)).path == "guarantee_act.sources"
