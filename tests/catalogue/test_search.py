"""Search in English and Hindi: which services match, and in which order."""

from __future__ import annotations

import pytest

from catalogue import Catalogue
from catalogue.search import fold, words
from tests.catalogue.samples import Data, load, mini_catalogue, service, text

NUKTA_KA = "\u0958"  # क़ as one code point; NFC turns it into क + nukta
DECOMPOSED_KA = "\u0915\u093c"


def search_service(code: str, name: tuple[str, str], description: tuple[str, str], department: str) -> Data:
    return service(
        code,
        name=text(*name),
        description=text(*description),
        department=department,
        category="misc",
        eligibility=[],
    )


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """Services whose names and descriptions are chosen to test the ranking; codes hold no query words."""
    data = mini_catalogue()
    del data["document_types"][1]["issued_by"]
    data["departments"] = [
        {"code": "gad", "name": text("General Administration", "सामान्य प्रशासन")},
        {"code": "panchayat", "name": text("Panchayat Department", "पंचायत विभाग")},
    ]
    data["categories"] = [{"code": "misc", "name": text("Miscellaneous", "विविध")}]
    data["services"] = [
        search_service("svc-a", ("Widow pension", "विधवा पेंशन"), ("Monthly support.", "मासिक सहायता।"), "gad"),
        search_service(
            "svc-b",
            ("Old age support", "वृद्धावस्था सहायता"),
            ("A pension for the elderly.", "बुजुर्गों के लिए पेंशन।"),
            "gad",
        ),
        search_service("khasra-nakal", ("Land record", "भू अभिलेख"), ("A copy.", "प्रति।"), "panchayat"),
        search_service("svc-d", ("Landholder card", "भूस्वामी कार्ड"), ("A card.", "कार्ड।"), "panchayat"),
        search_service("svc-e", ("Wasteland survey", "बंजर भूमि सर्वेक्षण"), ("A survey.", "सर्वे।"), "panchayat"),
        search_service(
            "svc-f", ("Income certificate", "आय प्रमाण पत्र"), ("Certifies income.", "आय का प्रमाण।"), "gad"
        ),
        search_service(
            "svc-g", ("Legal aid", f"{NUKTA_KA}ानूनी सहायता"), ("Help in court.", "अदालत में मदद।"), "gad"
        ),
    ]
    return load(data)


def codes(catalogue: Catalogue, query: str) -> list[str]:
    return [hit.service.code for hit in catalogue.index.search(query)]


def scores(catalogue: Catalogue, query: str) -> dict[str, float]:
    return {hit.service.code: hit.score for hit in catalogue.index.search(query)}


class TestRanking:
    """Where a word stands and how well it matches decide the order."""

    def test_name_beats_description(self, catalogue: Catalogue) -> None:
        """``pension`` in a name ranks above ``pension`` in a description."""
        assert codes(catalogue, "pension") == ["svc-a", "svc-b"]
        found = scores(catalogue, "pension")
        assert found["svc-a"] > found["svc-b"]

    def test_exact_beats_prefix_beats_substring(self, catalogue: Catalogue) -> None:
        """``land`` ranks "Land record", then "Landholder card", then "Wasteland survey"."""
        assert codes(catalogue, "land") == ["khasra-nakal", "svc-d", "svc-e"]
        found = scores(catalogue, "land")
        assert found["khasra-nakal"] > found["svc-d"] > found["svc-e"]

    def test_words_add_up(self, catalogue: Catalogue) -> None:
        """A service matching two query words scores the sum of both."""
        both = scores(catalogue, "widow pension")["svc-a"]
        assert both == scores(catalogue, "widow")["svc-a"] + scores(catalogue, "pension")["svc-a"]

    def test_ties_go_to_the_shorter_name(self, catalogue: Catalogue) -> None:
        """Services matched equally (by their department's name) come shortest English name first."""
        assert codes(catalogue, "administration") == ["svc-g", "svc-a", "svc-b", "svc-f"]
        assert len(set(scores(catalogue, "administration").values())) == 1
        assert codes(catalogue, "panchayat") == ["khasra-nakal", "svc-d", "svc-e"]

    def test_code_words_are_searched(self, catalogue: Catalogue) -> None:
        """A word found only in a service's code finds it."""
        assert codes(catalogue, "khasra") == ["khasra-nakal"]


class TestHindi:
    """Hindi queries find Hindi texts with the same ranking rules."""

    def test_hindi_word(self, catalogue: Catalogue) -> None:
        """``पेंशन`` ranks the Hindi name above the Hindi description, as in English."""
        assert codes(catalogue, "पेंशन") == ["svc-a", "svc-b"]

    def test_hindi_prefix(self, catalogue: Catalogue) -> None:
        """A partial Hindi word matches the words it starts."""
        assert codes(catalogue, "प्रमा") == ["svc-f"]
        assert scores(catalogue, "प्रमा")["svc-f"] < scores(catalogue, "प्रमाण")["svc-f"]

    def test_hindi_several_words(self, catalogue: Catalogue) -> None:
        """Several Hindi words must all match."""
        assert codes(catalogue, "आय प्रमाण पत्र") == ["svc-f"]
        assert codes(catalogue, "विधवा प्रमाण") == []

    def test_mixed_languages(self, catalogue: Catalogue) -> None:
        """An English word and a Hindi word in one query both count."""
        assert codes(catalogue, "widow पेंशन") == ["svc-a"]

    def test_nukta_written_either_way(self, catalogue: Catalogue) -> None:
        """क़ typed as one code point or as क plus nukta finds the same service."""
        assert codes(catalogue, f"{NUKTA_KA}ानूनी") == ["svc-g"]
        assert codes(catalogue, f"{DECOMPOSED_KA}ानूनी") == ["svc-g"]

    def test_words_keep_vowel_signs_and_drop_dandas(self) -> None:
        """Vowel signs and viramas stay inside a word; the danda ends it."""
        assert words("वृद्धावस्था पेंशन। आय॥") == ["वृद्धावस्था", "पेंशन", "आय"]


class TestMatching:
    """Case, partial words and the rule that every word must match."""

    @pytest.mark.parametrize("query", ["PENSION", "Pension", "pEnSiOn"])
    def test_case_does_not_matter(self, catalogue: Catalogue, query: str) -> None:
        """Queries are case-folded like the texts."""
        assert scores(catalogue, query) == scores(catalogue, "pension")

    def test_partial_word(self, catalogue: Catalogue) -> None:
        """``pens`` finds the pensions, ranked below a whole-word match."""
        assert codes(catalogue, "pens") == ["svc-a", "svc-b"]
        assert scores(catalogue, "pens")["svc-a"] < scores(catalogue, "pension")["svc-a"]

    def test_inside_a_word(self, catalogue: Catalogue) -> None:
        """A fragment from the middle of a word matches it."""
        assert codes(catalogue, "holder") == ["svc-d"]

    def test_every_word_must_match(self, catalogue: Catalogue) -> None:
        """``widow pension`` leaves out the service that only mentions a pension."""
        assert codes(catalogue, "widow pension") == ["svc-a"]
        assert codes(catalogue, "pension xyzzy") == []

    def test_repeated_words_count_once(self, catalogue: Catalogue) -> None:
        """Saying a word twice does not double its score."""
        assert scores(catalogue, "pension pension") == scores(catalogue, "pension")

    @pytest.mark.parametrize("query", ["", "   ", "!!! ...", "।"])
    def test_nothing_to_search(self, catalogue: Catalogue, query: str) -> None:
        """A query with no words matches nothing."""
        assert catalogue.index.search(query) == []

    def test_no_match(self, catalogue: Catalogue) -> None:
        """A word found nowhere gives no results."""
        assert codes(catalogue, "xyzzy") == []

    def test_fold(self) -> None:
        """Folding applies NFC and case-folding (ß folds to ss)."""
        assert fold("Straße") == "strasse"
        assert fold(NUKTA_KA) == fold(DECOMPOSED_KA)
