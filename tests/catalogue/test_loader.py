"""The loader: a valid catalogue loads; every problem is reported with file, line and path, all at once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue import CatalogueInvalid, CatalogueProblem, load_catalogue
from tests.catalogue.samples import Data, dump, line_of, load, mini_catalogue, problems, rule, service, text


def only(found: list[CatalogueProblem]) -> CatalogueProblem:
    assert len(found) == 1, "\n".join(str(p) for p in found)
    return found[0]


class TestValidCatalogue:
    """A correct file gives a catalogue with every record, compiled rules and the digest of its text."""

    def test_loads_every_record(self, data: Data) -> None:
        """Every section comes through, keyed by code, in file order."""
        catalogue = load(data)
        assert [s.code for s in catalogue.services] == [
            "rev-income-certificate",
            "sj-old-age-pension",
            "rev-domicile-certificate",
        ]
        assert list(catalogue.departments) == ["revenue", "social_justice"]
        assert catalogue.document_types["income_proof"].issued_by == "revenue"
        assert catalogue.services_per_department() == {"revenue": 2, "social_justice": 1}
        assert catalogue.service("sj-old-age-pension").name.hi == "वृद्धावस्था पेंशन"

    def test_rules_are_compiled_once_per_service(self, data: Data) -> None:
        """Each service has its top-level rules compiled, with their reasons, beside it."""
        catalogue = load(data)
        pension = catalogue.rules["sj-old-age-pension"]
        assert [rule.facts for rule in pension] == [("member.age",), ("family.bpl",)]
        assert pension[0].reason is not None and pension[0].reason.en == "Only people aged 60 or more."

    def test_digest_is_sha256_of_the_text(self, write_catalogue: Callable[[Data], Path], data: Data) -> None:
        """The digest names the exact text loaded, so caches can key on it."""
        path = write_catalogue(data)
        catalogue = load_catalogue(path)
        assert catalogue.digest == hashlib.sha256(path.read_bytes()).hexdigest()
        assert catalogue.source == "catalogue.yaml"

    def test_empty_sections_are_allowed(self) -> None:
        """A catalogue with no services at all is valid, if empty."""
        empty = (
            "version: 1\nstate: {code: mp, name: {en: Madhya Pradesh, hi: मध्यप्रदेश}}\n"
            "guarantee_act: {name: {en: The Act, hi: अधिनियम}, first_appeal_within_days: 30,"
            " second_appeal_within_days: 60, sources: ['https://example.gov.in/act']}\n"
            "departments: []\ncategories: []\ndocument_types: []\ndistricts: []\nadapters: []\n"
        )
        assert load(empty + "services: []\n").services == ()


class TestUnreadableAndMalformed:
    """A file that cannot be read or parsed gives one problem at the line where parsing stopped."""

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is reported by name, not raised as a bare OSError."""
        with pytest.raises(CatalogueInvalid) as caught:
            load_catalogue(tmp_path / "nowhere.yaml")
        problem = only(caught.value.problems)
        assert (problem.file, problem.line) == ("nowhere.yaml", 1)
        assert "cannot read the file" in problem.message

    def test_not_utf8(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are reported as unreadable."""
        path = tmp_path / "latin.yaml"
        path.write_bytes(b"version: 1\nname: \xe9t\xe9\n")
        with pytest.raises(CatalogueInvalid) as caught:
            load_catalogue(path)
        assert "cannot read the file" in only(caught.value.problems).message

    def test_unclosed_bracket_names_its_line(self) -> None:
        """An unclosed flow list is reported at the line where the parser gave up."""
        problem = only(problems("version: 1\ndepartments: [a, b\ncategories: []\n"))
        assert problem.line == 3
        assert problem.message.startswith("malformed YAML")

    def test_tab_indentation(self) -> None:
        """A tab where YAML wants spaces is malformed, at its line."""
        problem = only(problems("version: 1\ndepartments: []\n\tcategories: []\n"))
        assert problem.line == 3
        assert "malformed YAML" in problem.message

    def test_malformed_line_in_a_full_catalogue(self, data: Data) -> None:
        """A broken line deep inside a real-sized file is found at its own line."""
        lines = dump(data).splitlines()
        broken = line_of(dump(data), "start_year", 2)
        lines[broken - 1] = lines[broken - 1].replace("start_year: 2010", "start_year: [2010")
        problem = only(problems("\n".join(lines) + "\n"))
        assert broken <= problem.line <= broken + 1
        assert "malformed YAML" in problem.message

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("", "must be a mapping (`key: value` lines, or `{key: value}`), not nothing"),
            ("- 1\n- 2\n", "must be a mapping (`key: value` lines, or `{key: value}`), not a list"),
            ("version: 1\n", "missing required field"),
        ],
    )
    def test_wrong_shape_at_the_top(self, content: str, message: str) -> None:
        """An empty file, a list, or a missing section is one clear problem, not a crash."""
        assert message in only(problems(content)).message


class TestDuplicateKey:
    """A key written twice in one mapping would silently lose a value; it is reported at the second."""

    def test_duplicate_key_in_a_service(self, data: Data) -> None:
        """The second ``category`` of the first service is named, with its line."""
        doubled = dump(data).replace(
            "  category: certificates\n", "  category: certificates\n  category: pensions\n", 1
        )
        problem = only(problems(doubled))
        assert problem.path == "services[0].category"
        assert problem.line == line_of(doubled, "category: pensions")
        assert "duplicate key" in problem.message

    def test_duplicate_top_level_key(self, data: Data) -> None:
        """A second ``version:`` at the end of the file is reported at its own line."""
        text_ = dump(data) + "version: 1\n"
        problem = only(problems(text_))
        assert (problem.path, problem.line) == ("version", line_of(text_, "version: 1", 2))


class TestUnknownField:
    """A misspelt key is an error at its own line, wherever it stands."""

    def test_unknown_field_of_a_service(self, data: Data) -> None:
        """A key the service struct does not know is named with its path and line."""
        data["services"][1]["feee"] = 10
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[1].feee"
        assert problem.line == line_of(text_, "feee:")
        assert problem.message == "unknown field 'feee'; did you mean 'fee'?"

    def test_unknown_field_in_a_nested_struct(self, data: Data) -> None:
        """A key unknown inside ``fee`` points at that key, not at the ``fee`` mapping."""
        data["services"][2]["fee"]["currency"] = "INR"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[2].fee.currency"
        assert problem.line == line_of(text_, "currency: INR")
        assert problem.message == "unknown field 'currency'"

    def test_unknown_top_level_section(self, data: Data) -> None:
        """An unknown section at the top is named and placed too."""
        data["colour"] = "saffron"
        text_ = dump(data)
        problem = only(problems(text_))
        assert (problem.path, problem.line) == ("colour", line_of(text_, "colour: saffron"))

    def test_unknown_field_of_a_department(self, data: Data) -> None:
        """Declared records (departments, districts, ...) forbid unknown fields too."""
        data["departments"][1]["head"] = "Principal Secretary"
        text_ = dump(data)
        problem = only(problems(text_))
        assert (problem.path, problem.line) == ("departments[1].head", line_of(text_, "head: Principal"))


class TestWrongType:
    """A value of the wrong type or outside its range is reported at its line, with what was expected."""

    def test_text_where_a_number_is_expected(self, data: Data) -> None:
        """``days: fifteen`` names the field and says what to write, with an example."""
        data["services"][1]["guarantee"]["time_limit"]["days"] = "fifteen"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[1].guarantee.time_limit.days"
        assert problem.line == line_of(text_, "days: fifteen")
        assert problem.message == "must be a whole number, such as 15, not text"

    def test_number_out_of_range(self, data: Data) -> None:
        """A negative time limit is refused, saying the bound."""
        data["services"][0]["guarantee"]["time_limit"]["days"] = -1
        problem = only(problems(data))
        assert problem.path == "services[0].guarantee.time_limit.days"
        assert problem.message == "must be a whole number at least 0"

    def test_unknown_channel(self, data: Data) -> None:
        """A channel outside the fixed list is named by its position, with the channels there are."""
        data["services"][0]["channels"] = ["online", "fax"]
        problem = only(problems(data))
        assert problem.path == "services[0].channels[1]"
        assert problem.message == (
            "'fax' is not one of: call_181, department_office, kiosk, online, service_centre, whatsapp"
        )

    def test_misspelt_enum_value_gets_a_suggestion(self, data: Data) -> None:
        """A near miss names the value meant."""
        data["services"][0]["channels"] = ["onlne"]
        assert only(problems(data)).message.endswith("did you mean 'online'?")

    def test_misspelt_key_gets_a_suggestion(self, data: Data) -> None:
        """An unknown key close to a real one names the real one."""
        data["services"][0]["desciption"] = data["services"][0].pop("description")
        found = {p.path: p.message for p in problems(data)}
        assert found["services[0].desciption"] == "unknown field 'desciption'; did you mean 'description'?"

    def test_boolean_written_as_text(self, data: Data) -> None:
        """``required: yes please`` says to write true or false."""
        data["services"][0]["form"][0]["required"] = "yes please"
        problem = only(problems(data))
        assert problem.path == "services[0].form[0].required"
        assert problem.message == "must be true or false, not text"

    def test_wrong_type_in_a_department_does_not_cascade(self, data: Data) -> None:
        """A department with a bad name is one problem: services naming it are not unknown departments too."""
        data["departments"][0]["name"] = 5
        problem = only(problems(data))
        assert problem.path == "departments[0].name"

    def test_version_must_be_1(self, data: Data) -> None:
        """Only version 1 of the format is understood."""
        data["version"] = 2
        assert only(problems(data)).path == "version"


class TestDuplicateCode:
    """Two records with one code are reported at the second, naming the first."""

    def test_duplicate_service_code(self, data: Data) -> None:
        """The second service with a code points back to the first."""
        data["services"][2]["code"] = "rev-income-certificate"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[2].code"
        assert problem.line == line_of(text_, "code: rev-income-certificate", 2)
        assert problem.message == "duplicate service code 'rev-income-certificate' (first at services[0])"

    def test_duplicate_of_a_service_that_has_other_problems(self, data: Data) -> None:
        """The duplicate is found even when the first service with the code fails to decode."""
        data["services"][0]["audit"]["start_year"] = "soon"
        data["services"][1]["code"] = "rev-income-certificate"
        assert {p.path for p in problems(data)} == {"services[0].audit.start_year", "services[1].code"}

    def test_duplicate_department_code(self, data: Data) -> None:
        """Declared sections refuse duplicate codes too."""
        data["departments"].append({"code": "revenue", "name": text("Revenue again", "राजस्व फिर से")})
        problem = only(problems(data))
        assert problem.path == "departments[2].code"
        assert "duplicate code 'revenue'" in problem.message


class TestDanglingReference:
    """A code that names nothing declared is reported where it is used."""

    @pytest.mark.parametrize(
        ("field", "value", "path", "message"),
        [
            ("department", "railways", "services[1].department",
             "unknown department 'railways'; the departments declared: revenue, social_justice"),
            ("department", "revenu", "services[1].department",
             "unknown department 'revenu'; did you mean 'revenue'?; "
             "the departments declared: revenue, social_justice"),
            ("category", "medals", "services[1].category",
             "unknown category 'medals'; the categories declared: certificates, pensions"),
            ("delivery", {"adapter": "fax_gateway", "operation": "send"}, "services[1].delivery.adapter",
             "unknown adapter 'fax_gateway'; the adapters declared: local_revenue, sj_portal"),
            ("documents", [{"type": "passport"}], "services[1].documents[0].type",
             "unknown document type 'passport'; the document types declared: aadhaar, income_proof"),
        ],
    )  # fmt: skip
    def test_unknown_reference(self, data: Data, field: str, value: object, path: str, message: str) -> None:
        """Department, category, adapter and document type must all be declared; the declared ones are listed,
        the nearest first when one is close."""
        data["services"][1][field] = value
        problem = only(problems(data))
        assert (problem.path, problem.message) == (path, message)

    def test_issuer_of_a_document_type(self, data: Data) -> None:
        """A document type issued by an undeclared department is refused."""
        data["document_types"][1]["issued_by"] = "railways"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "document_types[1].issued_by"
        assert problem.line == line_of(text_, "issued_by: railways")

    def test_district_in_a_rule(self, data: Data) -> None:
        """A rule naming a district that is not declared is refused at the list item."""
        data["services"][2]["eligibility"][0]["any"][0]["value"] = ["bhopal", "atlantis"]
        problem = only(problems(data))
        assert problem.path == "services[2].eligibility[0].any[0].value[1]"
        assert "'atlantis' is not a declared district" in problem.message


class TestRulesAtLoad:
    """Rules are compiled while loading: a rule naming an unknown fact stops the load, at its line."""

    def test_unknown_fact(self, data: Data) -> None:
        """``member.salary`` is not a fact; the problem names the rule's ``fact`` key and line, and lists the
        member facts there are, since none is close."""
        data["services"][1]["eligibility"][1] = rule("member.salary", "<", 100_000, "Low salary.")
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[1].eligibility[1].fact"
        assert problem.line == line_of(text_, "fact: member.salary")
        assert problem.message.startswith("unknown fact 'member.salary'; the facts are: member.age, ")
        assert "member.annual_income" in problem.message

    def test_misspelt_fact_gets_the_nearest(self, data: Data) -> None:
        """``member.incom`` suggests ``member.annual_income`` first."""
        data["services"][1]["eligibility"][0] = rule("member.incom", "<", 100_000, "Low income.")
        message = only(problems(data)).message
        assert message.startswith("unknown fact 'member.incom'; did you mean member.annual_income or ")

    def test_rule_problems_are_reported_even_when_the_service_has_a_wrong_type(self, data: Data) -> None:
        """A bad field and a bad rule in one service are both reported."""
        data["services"][1]["audit"]["start_year"] = "soon"
        data["services"][1]["eligibility"][0]["op"] = "=~"
        assert {p.path for p in problems(data)} == {
            "services[1].audit.start_year",
            "services[1].eligibility[0].op",
        }

    def test_missing_reason(self, data: Data) -> None:
        """A top-level rule without a reason cannot explain a refusal, so it is refused."""
        del data["services"][1]["eligibility"][0]["reason"]
        problem = only(problems(data))
        assert problem.path == "services[1].eligibility[0].reason"


class TestHindi:
    """Every Hindi text must hold Devanagari letters: a transliteration is not Hindi."""

    def test_service_name_in_latin_letters(self, data: Data) -> None:
        """A Hindi name written in Latin letters is refused at its line."""
        data["services"][0]["name"]["hi"] = "Aay pramaan patra"
        text_ = dump(data)
        problem = only(problems(text_))
        assert problem.path == "services[0].name.hi"
        assert problem.line == line_of(text_, "hi: Aay pramaan patra")
        assert problem.message == "the Hindi text has no Devanagari letters"

    @pytest.mark.parametrize(
        ("section", "index", "field"),
        [("departments", 1, "name"), ("districts", 0, "name"), ("adapters", 1, "description")],
    )
    def test_declared_records(self, data: Data, section: str, index: int, field: str) -> None:
        """Names of departments and districts and descriptions of adapters are checked too."""
        data[section][index][field]["hi"] = "Hindi later"
        assert only(problems(data)).path == f"{section}[{index}].{field}.hi"

    def test_form_label_and_appeal_officer(self, data: Data) -> None:
        """Texts deep in a service (form labels, appellate officers) are checked."""
        data["services"][0]["form"][0]["label"]["hi"] = "Uddeshya"
        data["services"][0]["second_appeal"]["officer"]["hi"] = "Collector"
        assert {p.path for p in problems(data)} == {
            "services[0].form[0].label.hi",
            "services[0].second_appeal.officer.hi",
        }

    def test_missing_hindi(self, data: Data) -> None:
        """A text with English only is missing its required Hindi."""
        del data["services"][1]["description"]["hi"]
        problem = only(problems(data))
        assert problem.path == "services[1].description"
        assert "hi" in problem.message


class TestForm:
    """Application form fields are checked for consistency."""

    @staticmethod
    def form_problems(data: Data, *fields: dict[str, object]) -> dict[str, str]:
        data["services"][0]["form"] = [
            {"name": "purpose", "label": text("Purpose", "उद्देश्य"), "type": "text"},
            *fields,
        ]
        return {p.path: p.message for p in problems(data)}

    def test_field_name_used_twice(self, data: Data) -> None:
        """Two fields with one name would overwrite each other's answers."""
        found = self.form_problems(data, {"name": "purpose", "label": text("Again", "फिर"), "type": "text"})
        assert found == {"services[0].form[1].name": "field name 'purpose' used twice"}

    def test_choice_without_choices(self, data: Data) -> None:
        """A choice field needs something to choose."""
        found = self.form_problems(data, {"name": "kind", "label": text("Kind", "प्रकार"), "type": "choice"})
        assert found == {"services[0].form[1].choices": "a choice field needs choices"}

    def test_choice_value_twice(self, data: Data) -> None:
        """Each choice value is unique."""
        option = {"value": "a", "label": text("A", "अ")}
        field = {
            "name": "kind",
            "label": text("Kind", "प्रकार"),
            "type": "choice",
            "choices": [option, option],
        }
        assert self.form_problems(data, field) == {
            "services[0].form[1].choices": "a choice value is listed twice"
        }

    def test_choices_on_a_text_field(self, data: Data) -> None:
        """Only choice fields take choices."""
        field = {
            "name": "x",
            "label": text("X", "क"),
            "type": "text",
            "choices": [{"value": "a", "label": text("A", "अ")}],
        }
        assert "only choice fields" in self.form_problems(data, field)["services[0].form[1].choices"]

    def test_pattern_rules(self, data: Data) -> None:
        """A pattern belongs to a text field and must be a valid regular expression."""
        field = {"name": "count", "label": text("Count", "संख्या"), "type": "number", "pattern": "("}
        found = problems({**data, "services": [service("a-b", form=[field])]})
        messages = sorted(p.message for p in found if p.path == "services[0].form[0].pattern")
        assert len(messages) == 2
        assert messages[0].startswith("invalid regular expression")
        assert messages[1] == "only text fields take a pattern, not number"

    def test_min_above_max_and_min_on_text(self, data: Data) -> None:
        """Bounds belong to number fields and must be in order."""
        found = self.form_problems(
            data,
            {"name": "age", "label": text("Age", "आयु"), "type": "number", "min": 10, "max": 5},
            {"name": "note", "label": text("Note", "टिप्पणी"), "type": "text", "max": 5},
        )
        assert found == {
            "services[0].form[1].min": "min is above max",
            "services[0].form[2]": "only number fields take min and max, not text",
        }


class TestServiceChecks:
    """Appellate chains, channels and documents of a service make sense."""

    def test_first_appeal_to_the_designated_officer(self, data: Data) -> None:
        """Appealing to the officer who refused is no appeal; case does not hide it."""
        data["services"][0]["first_appeal"]["officer"]["en"] = "TAHSILDAR"
        problem = only(problems(data))
        assert problem.path == "services[0].first_appeal.officer"
        assert problem.message.startswith(
            "the first appellate authority is the designated officer ('tahsildar')"
        )

    @pytest.mark.parametrize(
        ("repeated", "message"),
        [
            ("Tahsildar", "the second appellate authority is the designated officer ('tahsildar')"),
            ("SDO (Revenue)", "the second appellate authority repeats an earlier level ('sdo (revenue)')"),
        ],
    )
    def test_second_appeal_repeats_a_level(self, data: Data, repeated: str, message: str) -> None:
        """The second appeal must go above both earlier levels."""
        data["services"][0]["second_appeal"]["officer"]["en"] = repeated
        problem = only(problems(data))
        assert problem.path == "services[0].second_appeal.officer"
        assert problem.message.startswith(message)

    def test_municipal_corporation_commissioner_decides_and_hears_the_appeal(self, data: Data) -> None:
        """The municipal services' old officers: in a municipal corporation the Commissioner was both the
        designated officer and the first appellate authority, which one alternative of each text shows."""
        municipal = data["services"][0]
        municipal["designated_officer"] = text(
            "Commissioner (Municipal Corporation) / CMO (Nagar Palika, Nagar Parishad)",
            "आयुक्त (नगर निगम) / मुख्य नगरपालिका अधिकारी (नगर पालिका, नगर परिषद)",
        )
        municipal["first_appeal"]["officer"] = text(
            "Project Officer, DUDA / Commissioner (Municipal Corporation)",
            "परियोजना अधिकारी, जिला शहरी विकास अभिकरण / आयुक्त (नगर निगम)",
        )
        problem = only(problems(data))
        assert problem.path == "services[0].first_appeal.officer"
        assert "'commissioner (municipal corporation)'" in problem.message
        municipal["designated_officer"] = text(
            "Officer authorised by the Commissioner (Municipal Corporation) / "
            "CMO (Nagar Palika, Nagar Parishad)",
            "आयुक्त द्वारा प्राधिकृत अधिकारी (नगर निगम) / मुख्य नगरपालिका अधिकारी (नगर पालिका, नगर परिषद)",
        )
        municipal["first_appeal"]["officer"] = text(
            "Commissioner (Municipal Corporation) / Project Officer, DUDA (Nagar Palika, Nagar Parishad)",
            "आयुक्त (नगर निगम) / परियोजना अधिकारी, जिला शहरी विकास अभिकरण (नगर पालिका, नगर परिषद)",
        )
        load(data)

    def test_channels_and_documents(self, data: Data) -> None:
        """No channel at all, a channel twice, or a document twice are refused."""
        data["services"][0]["channels"] = []
        data["services"][1]["channels"] = ["online", "online"]
        data["services"][2]["documents"] = [{"type": "aadhaar"}, {"type": "aadhaar"}]
        assert {p.path: p.message for p in problems(data)} == {
            "services[0].channels": "at least one channel is needed",
            "services[1].channels": "a channel is listed twice",
            "services[2].documents[1].type": "document type 'aadhaar' listed twice",
        }

    def test_missing_required_field(self, data: Data) -> None:
        """A service without ``guarantee`` is refused, naming the field."""
        del data["services"][1]["guarantee"]
        problem = only(problems(data))
        assert problem.path == "services[1]"
        assert problem.message == "missing required field 'guarantee'"


class TestEveryProblemAtOnce:
    """One file with many problems reports all of them, in file order, each at its own line."""

    def test_many_kinds_in_one_file(self) -> None:
        """Unknown field, wrong type, bad reference, duplicate code, unknown fact, Latin Hindi: all found."""
        data = mini_catalogue()
        data["departments"][1]["name"]["hi"] = "Samajik Nyay"
        data["services"][0]["feee"] = 1
        data["services"][1]["fee"]["amount_inr"] = "soon"
        data["services"][1]["category"] = "medals"
        data["services"][2]["code"] = "rev-income-certificate"
        data["services"][2]["eligibility"][0]["any"][1]["fact"] = "member.residence"
        text_ = dump(data)
        found = problems(text_)
        assert [(p.line, p.path, p.message) for p in found] == [
            (line_of(text_, "hi: Samajik Nyay"), "departments[1].name.hi",
             "the Hindi text has no Devanagari letters"),
            (line_of(text_, "feee: 1"), "services[0].feee", "unknown field 'feee'; did you mean 'fee'?"),
            (line_of(text_, "category: medals"), "services[1].category",
             "unknown category 'medals'; the categories declared: certificates, pensions"),
            (line_of(text_, "amount_inr: soon"), "services[1].fee.amount_inr",
             "must be a number, such as 20 or 2.5, not text"),
            (line_of(text_, "code: rev-income-certificate", 2), "services[2].code",
             "duplicate service code 'rev-income-certificate' (first at services[0])"),
            (line_of(text_, "fact: member.residence"), "services[2].eligibility[0].any[1].fact",
             "unknown fact 'member.residence'; did you mean member.residence_years?"),
        ]  # fmt: skip
        assert [p.line for p in found] == sorted(p.line for p in found)

    def test_message_lists_every_problem_as_file_line_path(
        self, write_catalogue: Callable[[Data], Path]
    ) -> None:
        """The exception text is ``file:line path: message``, one per line, after a count."""
        data = mini_catalogue()
        data["services"][0]["department"] = "railways"
        data["services"][1]["channels"] = ["fax"]
        path = write_catalogue(data)
        with pytest.raises(CatalogueInvalid) as caught:
            load_catalogue(path)
        lines = str(caught.value).splitlines()
        text_ = path.read_text(encoding="utf-8")
        assert lines == [
            "2 problems in the catalogue:",
            f"catalogue.yaml:{line_of(text_, 'department: railways')} services[0].department: "
            "unknown department 'railways'; the departments declared: revenue, social_justice",
            f"catalogue.yaml:{line_of(text_, '- fax')} services[1].channels[0]: "
            "'fax' is not one of: call_181, department_office, kiosk, online, service_centre, whatsapp",
        ]
