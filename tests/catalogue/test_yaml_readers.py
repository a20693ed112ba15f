"""The two YAML readers agree: the fast one (yaml-rs) answers only where PyYAML, the reference, agrees.

Every catalogue in the repository must take the fast path and give exactly PyYAML's data; each YAML 1.1
and 1.2 edge case must be declined or read alike; and a catalogue damaged at random loads, or fails with
the same problems at the same lines, whichever reader the loader used.
"""

from __future__ import annotations

import gc
import math
import random
from pathlib import Path
from typing import Any

import pytest

from catalogue import Catalogue, CatalogueInvalid, loader, parse_catalogue, yaml_source
from catalogue.yaml_source import YamlSyntaxError, read_yaml, read_yaml_fast
from tests.catalogue.samples import dump, mini_catalogue
from tests.catalogue.yaml_edge_cases import EDGE_CASES, FAST, LENIENT, REFERENCE
from tests.gateway.conftest import served_catalogue
from tests.registry.support import write_catalogue

ROOT = Path(__file__).resolve().parents[2]


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (``1 == 1.0 == True`` is not enough) and keys in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def reference(text: str) -> Any:
    """What PyYAML makes of ``text``: its data, or the exception that a catalogue would report."""
    try:
        data, lines = read_yaml(text)
    except YamlSyntaxError as exc:
        return exc
    return ValueError(f"duplicate key {lines.duplicates}") if lines.duplicates else data


def repository_catalogues(tmp_path: Path) -> dict[str, str]:
    return {
        "catalogue.yaml": (ROOT / "catalogue.yaml").read_text(encoding="utf-8"),
        "tests/catalogue mini catalogue": dump(mini_catalogue()),
        "tests/gateway served catalogue": dump(served_catalogue()),
        "tests/registry catalogue": write_catalogue(tmp_path / "registry.yaml").read_text(encoding="utf-8"),
    }


def test_every_catalogue_in_the_repository_takes_the_fast_path(tmp_path: Path) -> None:
    """Each catalogue the project ships or tests with is read by yaml-rs, exactly as PyYAML reads it."""
    for name, text in repository_catalogues(tmp_path).items():
        fast = read_yaml_fast(text.encode())
        assert fast is not None, f"{name} fell back to the reference reader"
        assert same(fast.data, reference(text)), name


@pytest.mark.parametrize(
    ("text", "expected"), [(c[1], c[2]) for c in EDGE_CASES], ids=[c[0] for c in EDGE_CASES]
)
def test_edge_case(text: str, expected: str) -> None:
    """The fast reader answers only where PyYAML reads the same data; otherwise it declines."""
    try:
        fast = read_yaml_fast(text.encode())
    except UnicodeEncodeError:  # a lone surrogate: the loader gives such text to the reference reader
        fast = None
    wanted = reference(text)
    if expected == FAST:
        assert fast is not None, "declined a text both parsers read alike"
        assert same(fast.data, wanted), (fast.data, wanted)
    elif expected == REFERENCE:
        assert fast is None, f"read {fast.data if fast else None!r} where PyYAML gives {wanted!r}"
    else:
        assert expected == LENIENT
        assert fast is not None and isinstance(wanted, Exception)


def test_lenient_reading_is_reported_as_pyyaml_reports_it() -> None:
    """A flow key broken across lines reads as the key 'd e' in yaml-rs; the catalogue still reports
    PyYAML's error at its line, because a key no record has sends the loader to the reference reader."""
    text = dump(mini_catalogue()).replace(
        "fee:\n    amount_inr: 0\n", "fee: {amount_inr: 0, n\n    ote: x}\n", 1
    )
    assert read_yaml_fast(text.encode()) is not None
    assert isinstance(reference(text), YamlSyntaxError)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text)
    [problem] = caught.value.problems
    assert problem.message.startswith("malformed YAML") and problem.line == reference(text).line


class TestYaml11Meanings:
    """Catalogues keep PyYAML's YAML 1.1 meanings, which the fast reader leaves to PyYAML."""

    def test_yes_is_still_true(self) -> None:
        """``required: yes`` is a document that is required, as before."""
        text = dump(mini_catalogue()).replace("required: true", "required: yes", 1)
        assert read_yaml_fast(text.encode()) is None
        assert parse_catalogue(text).services[0].documents[0].required is True

    def test_octal_still_reads_as_octal(self) -> None:
        """A limit of ``010`` days is eight days under YAML 1.1 (ten under 1.2)."""
        text = dump(mini_catalogue()).replace("      days: 15", "      days: 010", 1)
        assert parse_catalogue(text).services[0].time_limit_days == 8

    def test_exponent_is_still_text(self) -> None:
        """``1e1`` is text to YAML 1.1, so the error names a string where a number was expected."""
        text = dump(mini_catalogue()).replace("      days: 15", "      days: 1e1", 1)
        with pytest.raises(CatalogueInvalid) as caught:
            parse_catalogue(text)
        assert [p.message for p in caught.value.problems] == ["must be a whole number, such as 15, not text"]


def test_a_list_used_as_a_key_is_malformed() -> None:
    """A key written as a list is a clear error at its line, not a crash."""
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("a: 1\n[b, c]: d\n")
    assert caught.value.line == 2
    assert "a key must be a single value" in caught.value.message


# Characters and words that matter to YAML, to damage a catalogue with.
_DAMAGE = [
    *" :-#\"'[]{},|>&*!?%@`\\\t.0123456789eExXoO+_=~\r\n", "  ", "- ", ": ", "\n  ", "\n- ", "yes", "on",
    "no", "0o", "1e3", "1:30", "---", "...", "<<", "2024-01-01", "\u2028", "\ufeff", "\x85",
]  # fmt: skip


def outcome(text: str) -> tuple[str, Any]:
    try:
        catalogue = parse_catalogue(text)
    except CatalogueInvalid as exc:
        return "invalid", exc.problems
    return "loaded", described(catalogue)


def described(catalogue: Catalogue) -> tuple[Any, ...]:
    rules = {
        code: [(r.key, r.facts, r.reason) for r in compiled] for code, compiled in catalogue.rules.items()
    }
    sections = (catalogue.departments, catalogue.categories, catalogue.document_types, catalogue.districts)
    return catalogue.digest, catalogue.services, *map(dict, sections), dict(catalogue.adapters), rules


def test_damaged_catalogues_give_the_same_outcome_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 catalogues damaged at random (seeded): each loads to the same catalogue, or fails with the same
    problems at the same lines, whether the loader may use the fast reader or only the reference one."""
    rng = random.Random(2026)
    original = dump(mini_catalogue())
    texts = []
    for _ in range(600):
        text = original
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.6:
                text = text[:at] + rng.choice(_DAMAGE) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 4) :]
        texts.append(text)
    with_fast = [outcome(text) for text in texts]
    fast_and_loaded = sum(
        1
        for text, (kind, _) in zip(texts, with_fast, strict=True)
        if kind == "loaded" and read_yaml_fast(text.encode())
    )
    monkeypatch.setattr(loader, "read_yaml_fast", lambda source: None)
    for text, got in zip(texts, with_fast, strict=True):
        assert got == outcome(text), text
    assert fast_and_loaded > 50  # the fast path was really taken, not declined every time


def test_suspect_scalars_are_found_as_the_full_pattern_finds_them(tmp_path: Path) -> None:
    """The scan that tries the suspect-scalar pattern only where a scalar may start finds exactly what the
    pattern finds over the whole text: in every edge case, every catalogue, and damaged catalogues."""
    rng = random.Random(11)
    texts = [case[1] for case in EDGE_CASES] + list(repository_catalogues(tmp_path).values())
    original = dump(mini_catalogue())
    for _ in range(300):
        at = rng.randrange(len(original) + 1)
        texts.append(original[:at] + rng.choice(_DAMAGE) + " " + rng.choice(_DAMAGE) + original[at:])
    # Short texts made of the pieces of scalars that either parser may read as more than text.
    pieces = [*_DAMAGE, "2001-12-14", "21:59:43.10", "T", "Z", "-5", "+05:30", "0x1F", ".inf", "-.5",
              "010", "1_000", "YES", "Off", "N", "y", "ok", "a", "k: ", "\r\n"]  # fmt: skip
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(3000)]
    texts.append("\n".join(texts))  # long enough to be scanned in many pieces
    found = 0
    for text in texts:
        raw = text.encode("utf-8", "surrogatepass")
        expected = yaml_source._SUSPECT.findall(raw)
        assert yaml_source._suspects(raw) == expected, text
        found += bool(expected)
    assert found > 30  # the texts hold suspect scalars, not only plain ones


def test_problems_found_on_fast_data_carry_their_lines() -> None:
    """A wrong type in well-formed YAML is found on the fast data and placed by the reference reader."""
    text = dump(mini_catalogue()).replace("      days: 15", "      days: fifteen", 1)
    assert read_yaml_fast(text.encode()) is not None
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text, "c.yaml")
    line = text.splitlines().index("      days: fifteen") + 1
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (line, "services[0].guarantee.time_limit.days")
    ]
    assert "whole number" in caught.value.problems[0].message


def test_loading_leaves_the_garbage_collector_as_it_found_it() -> None:
    """The collector, paused while a catalogue loads, runs again after, even when the load fails; and a
    collector the caller had paused stays paused."""
    good, bad = dump(mini_catalogue()), "version: [1\n"
    for text in (good, bad, good.replace("time_limit_days: 15", "time_limit_days: x", 1)):
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            try:
                parse_catalogue(text)
            except CatalogueInvalid:
                pass
            finally:
                assert gc.isenabled() is enabled
                gc.enable()
