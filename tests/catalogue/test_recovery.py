"""A YAML syntax slip is reported at its line, and the rest of the file is still checked."""

from __future__ import annotations

from catalogue.recovery import read_recovering
from catalogue.yaml_source import read_yaml
from tests.catalogue.samples import Data, dump, line_of, problems


def broken(text_: str, needle: str, occurrence: int, old: str, new: str) -> tuple[str, int]:
    """``text_`` with ``old`` replaced by ``new`` on the line holding ``needle``, and that line."""
    line = line_of(text_, needle, occurrence)
    lines = text_.splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines) + "\n", line


class TestSlipAndTheRest:
    """One slip does not hide the file's other problems."""

    def test_slip_then_an_unknown_department_further_on(self, data: Data) -> None:
        """An unclosed bracket in the first service, a wrong department in the third: both, in line order."""
        data["services"][2]["department"] = "railways"
        text_, slip = broken(dump(data), "start_year", 1, "start_year: 2010", "start_year: [2010")
        found = problems(text_)
        assert [p.path for p in found] == ["", "services[2].department"]
        assert slip <= found[0].line <= slip + 1
        assert found[0].message.startswith("malformed YAML")
        assert found[1].line == line_of(text_, "department: railways")

    def test_nothing_is_said_of_the_item_set_aside(self, data: Data) -> None:
        """The broken service is not reported again as missing fields or not a mapping."""
        text_, _ = broken(dump(data), "start_year", 2, "start_year: 2010", "start_year: [2010")
        found = problems(text_)
        assert len(found) == 1
        assert found[0].message.startswith("malformed YAML")

    def test_two_slips_in_two_services(self, data: Data) -> None:
        """Each slip is reported at its own line."""
        text_, first = broken(dump(data), "start_year", 1, "start_year: 2010", "start_year: [2010")
        text_, second = broken(text_, "start_year", 3, "start_year: 2010", "start_year: {2010")
        found = problems(text_)
        assert len(found) == 2
        assert first <= found[0].line <= first + 1
        assert second <= found[1].line <= second + 1

    def test_slip_in_a_department_keeps_its_code(self, data: Data) -> None:
        """A department set aside keeps its code: services naming it are not reported as unknown."""
        lines = dump(data).splitlines()
        at = next(i for i, line in enumerate(lines) if "code: social_justice" in line)
        lines.insert(at + 1, "    name: {en: Social Justice, hi: [सामाजिक")
        del lines[at + 2]
        found = problems("\n".join(lines) + "\n")
        assert len(found) == 1
        assert found[0].message.startswith("malformed YAML")


def test_read_recovering_marks_the_item() -> None:
    """The item holding the slip becomes ``null`` at the same index; later lines keep their numbers."""
    text_ = "version: 1\nservices:\n  - code: a\n    x: [1\n  - code: b\n    y: 2\n"
    recovered = read_recovering(text_, read_yaml)
    assert recovered.parsed
    assert recovered.data["services"] == [None, {"code": "b", "y": 2}]
    assert recovered.lines.line_of("services[1].y") == 6
    assert recovered.skipped_paths() == {"services[0]"}
    assert recovered.codes == {"services": {"a"}}
