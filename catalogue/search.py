"""Search the catalogue the way citizens type: English, Hindi in Devanagari or in Latin letters, misspelt.

Every word, of a service or of a query, is compared by its sound keys (``catalogue.spelling``), so
लाड़ली, लाडली and "ladli" are one word and "vridha" meets वृद्धावस्था. A query word matches a catalogue
word whole (best), as the start of it ("pens" for "pension"), or within a small edit distance
(``rapidfuzz``): one letter in words of four to seven letters, two in longer ones. Words match whole
words only: नकल does not match inside जनकल्याण.

Each matching word counts by how well it matches and where it stands (a service's name and the names
people also know it by weigh most, then its code, department and category, then its description), and
a query word that few services match counts more than one most of them match (inverse document
frequency). Services are ranked by the sum, raised by up to a fifth for the share of one of the
service's names the query covers (so "नामांतरण" finds "अविवादित नामांतरण" before a longer name that
ends with the word); a service need not match every word, but the more it matches the higher it
stands. Equal scores go shortest English name first. Words that say nothing of which service is meant
("ki", "के", "how", "apply") are left out of queries, and a word written as two ("pramanpatra") is
split when both halves are catalogue words.

Synonyms are catalogue data: a service's ``also_known_as`` names are searched like its name, and the
catalogue's ``synonyms`` groups make a word or phrase find the services that use another of its group
("nakal" finds प्रतिलिपि).

The index is not built while the catalogue loads. The gateway builds it in a thread right after a load
(``build_in_background``), and ``search`` answers from it once it is there; until then, a plain scan of
the services' names and codes answers (``scan``), so no one waits for the index. Where no thread builds it
(a catalogue loaded by hand, the command line), the first search builds it.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import threading
import unicodedata
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from operator import itemgetter
from typing import TYPE_CHECKING

import msgspec
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from catalogue.spelling import sound_keys

if TYPE_CHECKING:
    from catalogue.compiled import Catalogue
    from catalogue.models import Service

__all__ = [
    "FILLER_WORDS",
    "SearchHit",
    "SearchIndex",
    "build_in_background",
    "fold",
    "index_ready",
    "scan",
    "search",
    "words",
]

# Letters, digits and the Devanagari block except its two full stops (danda, double danda).
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097F]+")
# Words joined by hyphens, also searched as one word: "e-KYC" is "ekyc", "post-mortem" "postmortem".
_HYPHENATED = re.compile(r"[\w\u0900-\u0963\u0966-\u097F]+(?:-[\w\u0900-\u0963\u0966-\u097F]+)+")

_BRACKETED = re.compile(r"\([^)]*\)")

# How much a word counts by where it stands.
_FIELD_WEIGHT = {
    "name": 5.0,
    "also_known_as": 5.0,
    "code": 3.0,
    "department": 1.5,
    "category": 1.5,
    "description": 1.0,
}
# A word found through a synonym counts a little less than the word itself.
_SYNONYM = 0.9
# How much a match counts by how well it matches.
_EXACT = 1.0
_PREFIX = 0.75  # the query word is the start of the word
_FUZZY = {1: 0.7, 2: 0.55}  # by edit distance
_FUZZY_PREFIX = 0.5  # the start of a word, one letter off, for query words of five letters or more
_FUZZY_PREFIX_LEAST = 5
# How much a service's score grows when the query covers the whole of one of its names, and down to
# which place of the ranking that is weighed.
_COVERAGE, _COVERED = 0.2, 100

# Words in queries that do not say which service is meant: English, Hindi, and Hindi in Latin letters.
_FILLER = """
a an the of for to in on at and or my me i is it how what where apply online get want need
application form please
ka ki ke ko me mein mai se par aur evam ya hetu liye liya hai hain kaise kese kare karen karna
karana kya banwana banvana banana chahiye avedan aavedan
का की के को में मैं से पर और एवं या हेतु लिए है हैं कैसे करें करना कराना क्या बनवाना बनाना चाहिए
आवेदन फॉर्म फार्म
"""
FILLER_WORDS = frozenset(_FILLER.split())


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _allowed_edits(key: str) -> int:
    """Letters a word of this length may have wrong and still match: none in short words."""
    return 0 if len(key) < 4 else 1 if len(key) < 8 else 2


class SearchHit(msgspec.Struct, gc=False):
    """A service and its score. A struct: made in C, a broad query's thousand hits cost little."""

    service: Service
    score: float

    def __repr__(self) -> str:
        return f"SearchHit({self.service.code!r}, {self.score:.2f})"


class _Phrases:
    """The synonym groups, looked up by the keys of their first word."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups: list[list[list[tuple[str, ...]]]] = []
        self.by_first: dict[str, list[tuple[int, list[tuple[str, ...]]]]] = defaultdict(list)
        for group in groups:
            members = [[sound_keys(w) for w in words(member)] for member in group]
            members = [m for m in members if m]
            number = len(self.groups)
            self.groups.append(members)
            for member in members:
                for key in member[0]:
                    self.by_first[key].append((number, member))

    def expand(self, sequence: list[tuple[str, ...]]) -> set[str]:
        """Keys of the other members of every group a phrase of ``sequence`` belongs to."""
        found: set[str] = set()
        for start, keys in enumerate(sequence):
            for key in keys:
                for number, member in self.by_first.get(key, ()):
                    end = start + len(member)
                    if end <= len(sequence) and all(
                        set(sequence[start + k]) & set(member[k]) for k in range(len(member))
                    ):
                        found.update(k for other in self.groups[number] for w in other for k in w)
        return found


class _Names:
    """The words of every service's names, to tell how much of a name a query covers.

    A name is also taken without what it says in brackets ("Permanent caste certificate (SC / ST /
    OBC)"), and filler words do not count. Names shared by several services are kept once.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.lengths: list[int] = []
        self.by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)  # key -> (name, word)
        self.services: list[list[int]] = []  # name -> the services that have it
        self.count = 0

    def add(self, names: list[str], known: list[str]) -> None:
        texts = [*names, *(_BRACKETED.sub(" ", name) for name in names), *known]
        position = self.count
        self.count += 1
        for text in dict.fromkeys(texts):
            number = self.ids.get(text)
            if number is None:
                found = [w for w in words(text) if w not in FILLER_WORDS]
                if not found:
                    continue
                number = self.ids[text] = len(self.lengths)
                self.lengths.append(len(found))
                self.services.append([])
                for place, word in enumerate(found):
                    for key in sound_keys(word):
                        self.by_key[key].append((number, place))
            self.services[number].append(position)

    def coverage(self, matched: set[str]) -> dict[int, float]:
        """For each service, the largest share of the words of one of its names that are ``matched``."""
        covered = {hit for key in matched for hit in self.by_key.get(key, ())}
        found: dict[int, float] = {}
        for name, count in Counter(name for name, _ in covered).items():
            share = count / self.lengths[name]
            for position in self.services[name]:
                if share > found.get(position, 0.0):
                    found[position] = share
        return found


class SearchIndex:
    """Sound keys of every word of every service, with where they stand; built once per catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._services = catalogue.services
        self._filler = filler = frozenset(k for w in FILLER_WORDS for k in sound_keys(w))
        phrases = _Phrases(catalogue.synonyms)
        # Many services share texts (department names, repeated descriptions): each text is read once.
        analysed: dict[str, dict[str, float]] = {}

        def keys_of(text: str) -> dict[str, float]:
            found = analysed.get(text)
            if found is None:
                sequence = [sound_keys(w) for w in words(text)]
                joined = [sound_keys(w.replace("-", "")) for w in _HYPHENATED.findall(fold(text))]
                # Filler words ("and", "के") are no one's search: left out, they cannot be matched loosely
                # either ("land" is one letter from "and").
                found = {
                    k: _EXACT for keys in sequence + joined for k in keys if len(k) > 1 and k not in filler
                }
                for key in phrases.expand(sequence):
                    found.setdefault(key, _SYNONYM)
                analysed[text] = found
            return found

        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._names = _Names()
        for position, service in enumerate(catalogue.services):
            department = catalogue.departments[service.department].name
            category = catalogue.categories[service.category].name
            known = service.also_known_as
            fields = {
                "code": [service.code.replace("-", " ")],
                "name": [service.name.en, service.name.hi],
                "also_known_as": [*known.en, *known.hi] if known else [],
                "department": [department.en, department.hi],
                "category": [category.en, category.hi],
                "description": [service.description.en, service.description.hi],
            }
            self._names.add(fields["name"], fields["also_known_as"])
            for field_name, texts in fields.items():
                weight = _FIELD_WEIGHT[field_name]
                for text in texts:
                    for key, factor in keys_of(text).items():
                        if postings[key].get(position, 0.0) < weight * factor:
                            postings[key][position] = weight * factor
        self._postings = dict(postings)
        by_name = sorted(
            range(len(self._services)),
            key=lambda p: (len(self._services[p].name.en), self._services[p].name.en),
        )
        self._order = [0] * len(by_name)
        for place, position in enumerate(by_name):
            self._order[position] = place
        self._vocabulary = sorted(self._postings)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for key in self._vocabulary:
            self._by_length[len(key)].append(key)
        self._prefixes: dict[int, tuple[list[str], dict[str, list[str]]]] = {}
        self._grouped: dict[str, list[tuple[float, frozenset[int]]]] = {}

    def search(self, query: str) -> list[SearchHit]:
        """Services matching ``query``, best first; a query with no searchable word matches nothing.

        Scores are worked out for groups of services at once, as sets, so that a query matching most of
        the catalogue costs set operations in C rather than a step of Python per service: for each term,
        the services' best matches as layers of equal score; over the terms, cells of services whose
        scores so far are equal, split by each term's layers.
        """
        matched: set[str] = set()
        count = len(self._services)
        cells: list[tuple[float, AbstractSet[int]]] = []  # (score, services), disjoint
        seen: set[int] = set()
        for term in self._terms(query):
            matches = self._matches(term)
            if not matches:
                continue
            matched.update(matches)
            # Each service's best match of the term: groups of (quality x weight), best first, each taking
            # the services no better group took.
            groups = [
                (quality * weight, group)
                for key, quality in matches.items()
                for weight, group in self._groups(key)
            ]
            groups.sort(key=itemgetter(0), reverse=True)
            assigned: set[int] = set()
            layers: list[tuple[float, frozenset[int]]] = []
            for score, group in groups:
                new = group - assigned
                if new:
                    assigned |= new
                    layers.append((score, new))
            rarity = math.log(1.0 + count / len(assigned))
            split: list[tuple[float, AbstractSet[int]]] = []
            for total, cell in cells:
                rest = cell - assigned
                if rest:
                    split.append((total, rest))
                if len(rest) < len(cell):
                    shares = ((score, cell & layer) for score, layer in layers)
                    split.extend((total + rarity * score, share) for score, share in shares if share)
            fresh = ((score, layer - seen) for score, layer in layers)
            split.extend((rarity * score, share) for score, share in fresh if share)
            seen |= assigned
            cells = split
        if not cells:
            return []
        cells.sort(key=itemgetter(0), reverse=True)
        # A name the query covers more of wins over one it covers less of ("अविवादित नामांतरण" over a
        # housing board's "... संपत्ति का अविवादित नामांतरण"). Only services that could still reach the
        # first _COVERED places with the boost are weighed.
        ahead, floor = 0, 0.0
        for score, cell in cells:
            ahead, floor = ahead + len(cell), score
            if ahead >= _COVERED:
                break
        floor /= 1 + _COVERAGE
        final: dict[int, float] = {}
        for total, cell in cells:
            final.update(dict.fromkeys(cell, round(total, 9)))
        coverage = self._names.coverage(matched)
        for total, cell in cells:
            if total < floor:
                break
            for position in cell & coverage.keys():
                final[position] = round(total * (1 + _COVERAGE * coverage[position]), 9)
        # Best first; on equal scores the shorter name (its place in ``order``) wins: sorted by name, then
        # by score, which keeps the order of equal scores. Both sorts take their keys in C.
        by_name = sorted(final, key=self._order.__getitem__)
        ranked = sorted(by_name, key=final.__getitem__, reverse=True)
        services = self._services
        return [SearchHit(services[position], final[position]) for position in ranked]

    def _groups(self, key: str) -> list[tuple[float, frozenset[int]]]:
        """The services ``key`` stands in, grouped by its weight there, heaviest first; made on first need."""
        found = self._grouped.get(key)
        if found is None:
            by_weight: dict[float, set[int]] = defaultdict(set)
            for position, weight in self._postings[key].items():
                by_weight[weight].add(position)
            found = sorted(
                ((w, frozenset(group)) for w, group in by_weight.items()), key=itemgetter(0), reverse=True
            )
            self._grouped[key] = found
        return found

    def _terms(self, query: str) -> list[tuple[str, ...]]:
        """The keys of each searchable word of ``query``; a word written as two ("pramanpatra") is split."""
        terms: list[tuple[str, ...]] = []
        for word in dict.fromkeys(words(query)):
            keys = tuple(k for k in sound_keys(word) if len(k) > 1)
            if not keys or word in FILLER_WORDS or keys[0] in self._filler:
                continue
            if not any(self._starts_a_word(k) for k in keys):
                split = self._split(keys[0])
                if split:
                    terms.extend((part,) for part in split)
                    continue
            terms.append(keys)
        return list(dict.fromkeys(terms))

    def _starts_a_word(self, key: str) -> bool:
        """Whether some catalogue word is ``key`` or begins with it."""
        place = bisect.bisect_left(self._vocabulary, key)
        return place < len(self._vocabulary) and self._vocabulary[place].startswith(key)

    def _split(self, key: str) -> tuple[str, str] | None:
        """Two catalogue words of three letters or more that ``key`` is made of, if any."""
        for cut in range(3, len(key) - 2):
            if key[:cut] in self._postings and key[cut:] in self._postings:
                return key[:cut], key[cut:]
        return None

    def _matches(self, term: tuple[str, ...]) -> dict[str, float]:
        """The catalogue's keys that ``term`` matches, each with how well."""
        found: dict[str, float] = {}

        def note(key: str, quality: float) -> None:
            if quality > found.get(key, 0.0):
                found[key] = quality

        for key in term:
            if key in self._postings:
                note(key, _EXACT)
            if len(key) >= 3:
                start = bisect.bisect_right(self._vocabulary, key)
                for other in itertools.islice(self._vocabulary, start, None):
                    if not other.startswith(key):
                        break
                    note(other, _PREFIX)
            edits = _allowed_edits(key)
            if not edits:
                continue
            for length in range(len(key) - edits, len(key) + edits + 1):
                candidates = self._by_length.get(length)
                if not candidates:
                    continue
                for other, distance, _ in process.extract(
                    key, candidates, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
                ):
                    if distance:
                        note(other, _FUZZY[int(distance)])
            if len(key) < _FUZZY_PREFIX_LEAST:
                continue
            starts, prefixes = self._prefixes_of(len(key))
            for prefix, _distance, _ in process.extract(
                key, starts, scorer=Levenshtein.distance, score_cutoff=1, limit=None
            ):
                for other in prefixes[prefix]:
                    note(other, _FUZZY_PREFIX)
        return found

    def _prefixes_of(self, length: int) -> tuple[list[str], dict[str, list[str]]]:
        """Keys longer than ``length`` by their first ``length`` letters; made on first need."""
        found = self._prefixes.get(length)
        if found is None:
            table: dict[str, list[str]] = defaultdict(list)
            for key in self._vocabulary:
                if len(key) > length + 1:
                    table[key[:length]].append(key)
            found = self._prefixes[length] = (list(table), dict(table))
        return found


# Catalogues whose index a thread is building now.
_BUILDING: weakref.WeakSet[Catalogue] = weakref.WeakSet()
_BUILDING_LOCK = threading.Lock()


def index_ready(catalogue: Catalogue) -> bool:
    """Whether the catalogue's index is built (``Catalogue.index`` keeps it once made)."""
    return "index" in vars(catalogue)


def build_in_background(catalogue: Catalogue, then: Callable[[], object] | None = None) -> threading.Thread:
    """Build the catalogue's index in a thread of its own, then call ``then``; searches meanwhile scan."""

    def build() -> None:
        try:
            catalogue.index  # noqa: B018 - the cached property builds and keeps it
        finally:
            with _BUILDING_LOCK:
                _BUILDING.discard(catalogue)
        if then is not None:
            then()

    with _BUILDING_LOCK:
        _BUILDING.add(catalogue)
    thread = threading.Thread(target=build, name="seva-search-index", daemon=True)
    thread.start()
    return thread


def search(catalogue: Catalogue, query: str) -> list[SearchHit]:
    """Services matching ``query``, best first: from the index when it is built; while a thread is still
    building it, from ``scan``; otherwise the index is built now (the first search pays for it)."""
    if not index_ready(catalogue):
        with _BUILDING_LOCK:
            building = catalogue in _BUILDING
        if building:
            return scan(catalogue, query)
    return catalogue.index.search(query)


def scan(catalogue: Catalogue, query: str) -> list[SearchHit]:
    """What a search answers while the index is being built: the services whose name, code or names people
    also know them by hold a word of the query, whole or (three letters or more) as its start; case and
    Unicode forms folded, but no sound keys, so neither misspelt words nor Hindi in Latin letters match.
    Scored like the index (by field, whole words above starts), equal scores shortest English name first.
    """
    wanted = [w for w in dict.fromkeys(words(query)) if w not in FILLER_WORDS and len(w) > 1]
    if not wanted:
        return []
    table = _SCANNED.get(catalogue)
    if table is None:  # the words of the names, once per catalogue (a fiftieth of the index's work)
        table = _SCANNED[catalogue] = [_scanned(service) for service in catalogue.services]
    weights = (_FIELD_WEIGHT["name"], _FIELD_WEIGHT["code"])
    scored: list[tuple[float, int, str, Service]] = []
    for service, *fields in table:
        best: dict[str, float] = {}
        for weight, found in zip(weights, fields, strict=True):
            for word in wanted:
                if word in found:
                    quality = _EXACT
                elif len(word) >= 3 and any(other.startswith(word) for other in found):
                    quality = _PREFIX
                else:
                    continue
                best[word] = max(best.get(word, 0.0), weight * quality)
        if best:
            scored.append((-sum(best.values()), len(service.name.en), service.name.en, service))
    scored.sort(key=lambda row: row[:3])
    return [SearchHit(service, -negative) for negative, _, _, service in scored]


_SCANNED: weakref.WeakKeyDictionary[Catalogue, list[tuple[Service, frozenset[str], frozenset[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _scanned(service: Service) -> tuple[Service, frozenset[str], frozenset[str]]:
    """A service with the words of its names and of its code, for ``scan``."""
    known = service.also_known_as
    names = [service.name.en, service.name.hi, *(known.en if known else ()), *(known.hi if known else ())]
    return service, frozenset(words(" ".join(names))), frozenset(service.code.split("-"))
