"""Search in English and Hindi, in both scripts, forgiving slips: which services match, in which order."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalogue import Catalogue, load_catalogue
from catalogue import search as search_module
from catalogue.search import build_in_background, fold, index_ready, scan, search, words
from catalogue.spelling import fold_devanagari, sound_keys
from tests.catalogue.samples import Data, load, mini_catalogue, problems, service, text

NUKTA_KA = "\u0958"  # क़ as one code point; NFC turns it into क + nukta
DECOMPOSED_KA = "\u0915\u093c"
ROOT = Path(__file__).resolve().parents[2]
QUERIES = Path(__file__).with_name("search_queries.yaml")
TARGET_FIRST_HIT = 0.95


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
        search_service(
            "svc-h",
            ("Jan Kalyan worker registration", "जनकल्याण श्रमिक पंजीयन"),
            ("For unorganised workers and their families.", "असंगठित श्रमिकों के लिए।"),
            "gad",
        ),
        search_service(
            "svc-i",
            ("Ladli Behna scheme", "लाड़ली बहना योजना"),
            ("Monthly help for women.", "महिलाओं को मासिक सहायता।"),
            "gad",
        ),
    ]
    return load(data)


@pytest.fixture(scope="module")
def with_synonyms() -> Catalogue:
    """The mini catalogue with a service known by other names, and two groups of synonyms."""
    data = mini_catalogue()
    data["services"][0]["also_known_as"] = {
        "en": ["aay praman patra", "income proof"],
        "hi": ["आमदनी का सबूत"],
    }
    data["synonyms"] = [["copy", "nakal", "नकल", "प्रतिलिपि"], ["ration card", "पात्रता पर्ची"]]
    data["services"].append(
        service(
            "food-slip",
            name=text("Eligibility slip", "पात्रता पर्ची"),
            description=text("For rations.", "राशन के लिए।"),
            eligibility=[],
        )
    )
    data["services"].append(
        service(
            "rev-copy",
            name=text("Certified copy of the land record", "भू अभिलेख की प्रमाणित प्रतिलिपि"),
            description=text("A certified copy.", "प्रमाणित प्रति।"),
            eligibility=[],
        )
    )
    return load(data)


def codes(catalogue: Catalogue, query: str) -> list[str]:
    return [hit.service.code for hit in catalogue.search(query)]


def first(catalogue: Catalogue, query: str) -> str | None:
    found = codes(catalogue, query)
    return found[0] if found else None


def scores(catalogue: Catalogue, query: str) -> dict[str, float]:
    return {hit.service.code: hit.score for hit in catalogue.search(query)}


class TestSoundKeys:
    """Spellings that sound alike get one key, in either script."""

    @pytest.mark.parametrize(
        ("one", "other"),
        [
            ("लाड़ली", "लाडली"),  # nukta
            (f"{NUKTA_KA}ानूनी", f"{DECOMPOSED_KA}ानूनी"),  # nukta as one code point or two
            ("गाँव", "गांव"),  # chandrabindu and anusvara
            ("पेंशन", "पेन्शन"),  # anusvara and a half nasal
            ("नामांतरण", "नामान्तरण"),
            ("जाति", "जाती"),  # short and long i
            ("पुस्तिका", "पूस्तिका"),  # short and long u
            ("कॉपी", "कोपी"),  # the English o
        ],
    )
    def test_devanagari_variants(self, one: str, other: str) -> None:
        """Spellings of one Hindi word that differ only in how it is written share their keys."""
        assert sound_keys(one) == sound_keys(other)

    @pytest.mark.parametrize(
        ("devanagari", "typed"),
        [
            ("खसरा", "khasra"),  # the inherent vowel Hindi does not say
            ("नकल", "nakal"),
            ("लाडली", "ladli"),
            ("आय", "aay"),
            ("प्रमाण", "praman"),
            ("पत्र", "patra"),  # kept after a conjunct
            ("योजना", "yojana"),  # the second key keeps a medial vowel some people type
            ("योजना", "yojna"),
            ("विधवा", "vidhwa"),
            ("छात्रवृत्ति", "chhatravritti"),
            ("किरायेदार", "kirayedar"),
            ("सीमांकन", "seemankan"),
            ("संबल", "sambal"),
        ],
    )
    def test_romanised_hindi_meets_devanagari(self, devanagari: str, typed: str) -> None:
        """Hindi typed in Latin letters reaches a key of the Devanagari word."""
        assert set(sound_keys(typed)) & set(sound_keys(devanagari))

    @pytest.mark.parametrize(
        ("one", "other"), [("vriddha", "vridha"), ("shaadi", "shadi"), ("laxmi", "lakshmi")]
    )
    def test_loose_latin_spellings(self, one: str, other: str) -> None:
        """Doubled letters, long vowels written twice and x for ksh make no difference."""
        assert sound_keys(one) == sound_keys(other)

    def test_different_words_stay_apart(self) -> None:
        """Folding keeps words apart that differ in sound: नकल and नक्शा, वृद्धा and विधवा."""
        assert not set(sound_keys("नकल")) & set(sound_keys("नक्शा"))
        assert not set(sound_keys("वृद्धा")) & set(sound_keys("विधवा"))

    def test_devanagari_digits(self) -> None:
        """Devanagari digits are digits."""
        assert sound_keys("२०२४") == sound_keys("2024") == ("2024",)

    def test_fold_devanagari(self) -> None:
        """The fold takes out the nukta, the visarga and long vowel signs."""
        assert fold_devanagari("क़ानूनी") == "कानुनि"
        assert fold_devanagari("निःशक्त") == "निशक्त"


class TestRanking:
    """Where a word stands and how well it matches decide the order."""

    def test_name_beats_description(self, catalogue: Catalogue) -> None:
        """``pension`` in a name ranks above ``pension`` in a description."""
        assert codes(catalogue, "pension") == ["svc-a", "svc-b"]
        found = scores(catalogue, "pension")
        assert found["svc-a"] > found["svc-b"]

    def test_exact_beats_prefix(self, catalogue: Catalogue) -> None:
        """``land`` ranks "Land record" above "Landholder card"."""
        assert codes(catalogue, "land")[:2] == ["khasra-nakal", "svc-d"]
        found = scores(catalogue, "land")
        assert found["khasra-nakal"] > found["svc-d"]

    def test_more_words_matched_rank_higher(self, catalogue: Catalogue) -> None:
        """A service matching two query words outranks one matching one, and scores more than either alone."""
        assert codes(catalogue, "widow pension") == ["svc-a", "svc-b"]
        both = scores(catalogue, "widow pension")["svc-a"]
        assert both > scores(catalogue, "widow")["svc-a"]
        assert both > scores(catalogue, "pension")["svc-a"]

    def test_rare_words_count_more(self, catalogue: Catalogue) -> None:
        """A word few services have decides over one many have: "monthly widow" finds the widow first."""
        assert first(catalogue, "monthly widow") == "svc-a"
        assert first(catalogue, "मासिक विधवा") == "svc-a"

    def test_ties_go_to_the_shorter_name(self, catalogue: Catalogue) -> None:
        """Services matched equally (by their department's name) come shortest English name first."""
        assert codes(catalogue, "administration") == [
            "svc-g", "svc-a", "svc-b", "svc-f", "svc-i", "svc-h"
        ]  # fmt: skip
        assert len(set(scores(catalogue, "administration").values())) == 1

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
        assert first(catalogue, "प्रमा") == "svc-f"
        assert scores(catalogue, "प्रमा")["svc-f"] < scores(catalogue, "प्रमाण")["svc-f"]

    def test_hindi_several_words(self, catalogue: Catalogue) -> None:
        """Several Hindi words: the service with all of them first."""
        assert first(catalogue, "आय प्रमाण पत्र") == "svc-f"

    def test_mixed_languages(self, catalogue: Catalogue) -> None:
        """An English word and a Hindi word in one query both count."""
        assert first(catalogue, "widow पेंशन") == "svc-a"
        assert scores(catalogue, "widow पेंशन")["svc-a"] > scores(catalogue, "पेंशन")["svc-a"]

    def test_nukta_written_either_way(self, catalogue: Catalogue) -> None:
        """क़ typed as one code point, as क plus nukta, or without the nukta finds the same service."""
        for query in (f"{NUKTA_KA}ानूनी", f"{DECOMPOSED_KA}ानूनी", "कानूनी"):
            assert codes(catalogue, query) == ["svc-g"], query

    def test_without_the_nukta(self, catalogue: Catalogue) -> None:
        """लाडली finds लाड़ली."""
        assert first(catalogue, "लाडली बहना") == "svc-i"

    def test_words_keep_vowel_signs_and_drop_dandas(self) -> None:
        """Vowel signs and viramas stay inside a word; the danda ends it."""
        assert words("वृद्धावस्था पेंशन। आय॥") == ["वृद्धावस्था", "पेंशन", "आय"]


class TestRomanisedAndMisspelt:
    """Hindi in Latin letters, and slips of the finger."""

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("vidhwa pension", "svc-a"),
            ("ladli behna", "svc-i"),
            ("ladli bahna", "svc-i"),
            ("aay praman patra", "svc-f"),
            ("vridhavastha sahayata", "svc-b"),
            ("shramik panjiyan", "svc-h"),
        ],
    )
    def test_romanised_hindi(self, catalogue: Catalogue, query: str, code: str) -> None:
        """Hindi typed in Latin letters finds the Devanagari name."""
        assert first(catalogue, query) == code

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("widdow pension", "svc-a"),
            ("pention", "svc-a"),
            ("certficate", "svc-f"),
            ("ladli bahena", "svc-i"),
            ("vrudhavastha", "svc-b"),
            ("विदवा", "svc-a"),
        ],
    )
    def test_misspellings(self, catalogue: Catalogue, query: str, code: str) -> None:
        """A word one letter off (two in long words) still matches, ranked below the right spelling."""
        assert first(catalogue, query) == code

    def test_misspelt_ranks_below_right(self, catalogue: Catalogue) -> None:
        """A misspelt word matches less well than the word itself."""
        assert scores(catalogue, "pention")["svc-a"] < scores(catalogue, "pension")["svc-a"]

    def test_short_words_must_be_exact(self, catalogue: Catalogue) -> None:
        """Words under four letters are not matched loosely: "aid" does not find "aay" or "add"."""
        assert codes(catalogue, "aid") == ["svc-g"]

    def test_a_word_written_as_two(self, catalogue: Catalogue) -> None:
        """प्रमाणपत्र, written as one word, finds प्रमाण पत्र."""
        assert first(catalogue, "आय प्रमाणपत्र") == "svc-f"
        assert first(catalogue, "pramanpatra") == "svc-f"


class TestWordBoundaries:
    """A query word matches whole words or their beginnings, never the inside of a word."""

    def test_not_inside_a_hindi_word(self, catalogue: Catalogue) -> None:
        """नकल does not match inside जनकल्याण."""
        assert "svc-h" not in codes(catalogue, "नकल")
        assert first(catalogue, "जनकल्याण") == "svc-h"

    def test_not_inside_an_english_word(self, catalogue: Catalogue) -> None:
        """``holder`` does not match inside "Landholder"; ``land`` does not match inside "Wasteland"."""
        assert codes(catalogue, "holder") == []
        assert "svc-e" not in codes(catalogue, "land")

    def test_filler_words_are_not_matched_loosely(self, catalogue: Catalogue) -> None:
        """ "land" is one letter from "and", which no one searches for: it finds no service by it."""
        assert "svc-h" not in codes(catalogue, "land")

    def test_partial_word(self, catalogue: Catalogue) -> None:
        """``pens`` finds the pensions, ranked below a whole-word match."""
        assert codes(catalogue, "pens") == ["svc-a", "svc-b"]
        assert scores(catalogue, "pens")["svc-a"] < scores(catalogue, "pension")["svc-a"]


class TestMatching:
    """Case, filler words, and queries with nothing to search."""

    @pytest.mark.parametrize("query", ["PENSION", "Pension", "pEnSiOn"])
    def test_case_does_not_matter(self, catalogue: Catalogue, query: str) -> None:
        """Queries are case-folded like the texts."""
        assert scores(catalogue, query) == scores(catalogue, "pension")

    def test_unknown_words_do_not_hide_the_rest(self, catalogue: Catalogue) -> None:
        """A word found nowhere leaves the other words to decide."""
        assert codes(catalogue, "pension xyzzy") == codes(catalogue, "pension")

    @pytest.mark.parametrize(
        "query", ["how to apply for widow pension", "widow pension ke liye avedan kaise kare"]
    )
    def test_filler_words_are_ignored(self, catalogue: Catalogue, query: str) -> None:
        """Words that say nothing of the service ("how", "apply", "ke liye", "kaise") change nothing."""
        assert scores(catalogue, query) == scores(catalogue, "widow pension")

    def test_repeated_words_count_once(self, catalogue: Catalogue) -> None:
        """Saying a word twice does not double its score."""
        assert scores(catalogue, "pension pension") == scores(catalogue, "pension")

    @pytest.mark.parametrize("query", ["", "   ", "!!! ...", "।", "ki ke", "के लिए"])
    def test_nothing_to_search(self, catalogue: Catalogue, query: str) -> None:
        """A query with no searchable word matches nothing."""
        assert catalogue.search(query) == []

    def test_no_match(self, catalogue: Catalogue) -> None:
        """A word found nowhere gives no results."""
        assert codes(catalogue, "xyzzy") == []

    def test_fold(self) -> None:
        """Folding applies NFC and case-folding (ß folds to ss)."""
        assert fold("Straße") == "strasse"
        assert fold(NUKTA_KA) == fold(DECOMPOSED_KA)

    def test_the_index_is_built_on_first_search(self) -> None:
        """Loading does not build the index; the first search does, and later ones reuse it."""
        fresh = load(mini_catalogue())
        assert "index" not in vars(fresh)
        fresh.search("pension")
        index = vars(fresh)["index"]
        fresh.search("income")
        assert fresh.index is index


class TestIndexInBackground:
    """The index built in a thread after a load; searches meanwhile answered by a scan."""

    def test_built_in_a_thread_then_searched(self) -> None:
        """A thread builds the index and then says so; searches then answer from it."""
        fresh = load(mini_catalogue())
        told: list[bool] = []
        build_in_background(fresh, then=lambda: told.append(index_ready(fresh))).join()
        assert told == [True]
        assert [(h.service.code, h.score) for h in search(fresh, "pension")] == [
            (h.service.code, h.score) for h in fresh.index.search("pension")
        ]

    def test_a_scan_answers_while_the_index_is_built(self) -> None:
        """While a thread builds the index, a search scans instead of waiting, and builds nothing."""
        fresh = load(mini_catalogue())
        name = fresh.services[0].name.en
        search_module._BUILDING.add(fresh)  # as build_in_background marks it until its thread is done
        try:
            assert search(fresh, name) == scan(fresh, name) != []
            assert not index_ready(fresh)
        finally:
            search_module._BUILDING.discard(fresh)

    def test_without_a_thread_the_first_search_builds_it(self) -> None:
        """A catalogue whose index no thread builds gets it on its first search, as before."""
        fresh = load(mini_catalogue())
        search(fresh, "pension")
        assert index_ready(fresh)

    def test_the_scan_finds_names_in_either_script_and_codes(self, catalogue: Catalogue) -> None:
        """The scan matches whole words and starts of words of names and codes, weightier fields first."""
        assert [h.service.code for h in scan(catalogue, "widow pension")][:1] == ["svc-a"]
        assert [h.service.code for h in scan(catalogue, "विधवा")][:1] == ["svc-a"]
        assert [h.service.code for h in scan(catalogue, "khasra")] == ["khasra-nakal"]
        assert "svc-a" in [h.service.code for h in scan(catalogue, "pens")]
        assert scan(catalogue, "the and of") == []

    def test_the_scan_finds_most_real_queries(self) -> None:
        """Of the real queries in English and Devanagari, the scan puts the wanted service first for most:
        it is a stand-in for a second or so, not the search (no sound keys, no misspellings)."""
        catalogue = load_catalogue(ROOT / "catalogue.yaml")
        queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
        asked = [e for e in queries if e["kind"] in ("english", "devanagari")]
        found = 0
        for entry in asked:
            wanted = entry["first"] if isinstance(entry["first"], list) else [entry["first"]]
            hits = scan(catalogue, entry["q"])
            found += bool(hits) and hits[0].service.code in wanted
        assert found >= 0.8 * len(asked)


class TestSynonymData:
    """Synonyms are catalogue data: a service's ``also_known_as`` and the catalogue's ``synonyms`` groups."""

    def test_also_known_as_is_searched_like_the_name(self, with_synonyms: Catalogue) -> None:
        """A name the service is also known by finds it, in either script."""
        assert first(with_synonyms, "income proof") == "rev-income-certificate"
        assert first(with_synonyms, "आमदनी का सबूत") == "rev-income-certificate"

    def test_a_word_finds_its_synonyms(self, with_synonyms: Catalogue) -> None:
        """``nakal`` and नकल find the service that says प्रतिलिपि."""
        assert first(with_synonyms, "nakal") == "rev-copy"
        assert first(with_synonyms, "नकल") == "rev-copy"

    def test_a_phrase_finds_its_synonyms(self, with_synonyms: Catalogue) -> None:
        """ "ration card" finds the eligibility slip, whose name says पात्रता पर्ची."""
        assert first(with_synonyms, "ration card") == "food-slip"

    def test_a_synonym_counts_a_little_less(self, with_synonyms: Catalogue) -> None:
        """The word itself counts more than its synonym."""
        assert scores(with_synonyms, "प्रतिलिपि")["rev-copy"] > scores(with_synonyms, "नकल")["rev-copy"]

    def test_the_api_shape(self, with_synonyms: Catalogue) -> None:
        """``also_known_as`` is part of the service's record."""
        known = with_synonyms.service("rev-income-certificate").also_known_as
        assert known is not None
        assert known.en == ("aay praman patra", "income proof")

    def test_hindi_names_need_devanagari(self, data: Data) -> None:
        """A name under ``hi`` in Latin letters, or under ``en`` in Devanagari, is refused where it stands."""
        data["services"][0]["also_known_as"] = {"en": ["आय"], "hi": ["aay"]}
        found = {(p.path, p.message) for p in problems(data)}
        assert ("services[0].also_known_as.en[0]", "a name in Devanagari goes under hi") in found
        assert any(path == "services[0].also_known_as.hi[0]" for path, _ in found)

    def test_a_name_listed_twice(self, data: Data) -> None:
        """The same name twice is refused."""
        data["services"][0]["also_known_as"] = {"en": ["Aay", "aay"]}
        assert [(p.path, p.message) for p in problems(data)] == [
            ("services[0].also_known_as.en[1]", "'aay' is listed twice")
        ]

    @pytest.mark.parametrize(
        ("groups", "path", "message"),
        [
            ([["copy"]], "synonyms[0]", "a group of synonyms needs at least two words or phrases"),
            ([["copy", "nakal"], ["Nakal", "नकल"]], "synonyms[1][0]", "'Nakal' is already at synonyms[0][1]"),
            ([["copy", ""]], "synonyms[0][1]", "must not be empty"),
            (["copy"], "synonyms[0]", "must be a list (lines starting with `- `, or `[a, b]`), not text"),
        ],
    )
    def test_bad_groups(self, data: Data, groups: Any, path: str, message: str) -> None:
        """A group of one, a phrase in two groups, an empty phrase, a group that is no list: refused."""
        data["synonyms"] = groups
        assert [(p.path, p.message) for p in problems(data)] == [(path, message)]


class TestRealQueries:
    """What citizens type, against the real catalogue: the hit rate of the first result."""

    def test_first_hit_rate(self, capsys: pytest.CaptureFixture[str]) -> None:
        """At least 95 % of ``search_queries.yaml`` find their service first; the rate is printed."""
        catalogue = load_catalogue(ROOT / "catalogue.yaml")
        queries: list[dict[str, Any]] = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
        assert len(queries) >= 50
        hits: Counter[str] = Counter()
        asked: Counter[str] = Counter()
        misses: list[str] = []
        for entry in queries:
            wanted = entry["first"] if isinstance(entry["first"], list) else [entry["first"]]
            assert all(code in catalogue.by_code for code in wanted), entry
            found = catalogue.search(entry["q"])
            top = found[0].service.code if found else None
            asked[entry["kind"]] += 1
            if top in wanted:
                hits[entry["kind"]] += 1
            else:
                misses.append(f"{entry['q']!r}: wanted {wanted[0]}, got {top}")
        rate = sum(hits.values()) / len(queries)
        kinds = ", ".join(f"{kind} {hits[kind]}/{asked[kind]}" for kind in asked)
        with capsys.disabled():
            print(f"\nsearch first-hit rate: {rate:.1%} of {len(queries)} queries ({kinds})")
        assert rate >= TARGET_FIRST_HIT, f"first-hit rate {rate:.1%}; misses:\n" + "\n".join(misses)

    def test_both_scripts_of_a_kind(self) -> None:
        """The file holds queries of every kind: Devanagari, romanised Hindi, English and misspelt."""
        queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
        kinds = Counter(entry["kind"] for entry in queries)
        assert set(kinds) == {"devanagari", "romanised", "english", "misspelt"}
        assert min(kinds.values()) >= 10
