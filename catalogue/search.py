"""Full-text search over the catalogue in English and Hindi.

Texts are folded (Unicode NFC, case-folded) and cut into words; Devanagari vowel signs stay inside
their word. A query word matches a catalogue word that equals it, starts with it, or contains it, in
falling order of weight, and a word in a service's name weighs more than one in its description. Every
query word must match. The vocabulary is scanned per query word, not every service, so a search over
thousands of services costs a few thousand string tests.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalogue.compiled import Catalogue
    from catalogue.models import Service

__all__ = ["SearchHit", "SearchIndex", "fold", "words"]

# Letters, digits and the Devanagari block except its two full stops (danda, double danda).
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097F]+")

# How much a word counts by where it stands.
_FIELD_WEIGHT = {"code": 6.0, "name": 5.0, "department": 2.0, "category": 2.0, "description": 1.0}
# How much a match counts by how well it matches.
_EXACT, _PREFIX, _INSIDE = 3.0, 2.0, 1.0


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class SearchHit:
    __slots__ = ("score", "service")

    def __init__(self, service: Service, score: float) -> None:
        self.service = service
        self.score = score


class SearchIndex:
    """An inverted index from words to services, with field weights."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._services = catalogue.services
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for position, service in enumerate(catalogue.services):
            department = catalogue.departments[service.department].name
            category = catalogue.categories[service.category].name
            fields = {
                "code": service.code.replace("-", " "),
                "name": f"{service.name.en} {service.name.hi}",
                "department": f"{department.en} {department.hi}",
                "category": f"{category.en} {category.hi}",
                "description": f"{service.description.en} {service.description.hi}",
            }
            for field_name, text in fields.items():
                weight = _FIELD_WEIGHT[field_name]
                for word in words(text):
                    if postings[word].get(position, 0.0) < weight:
                        postings[word][position] = weight
        self._postings = dict(postings)
        self._vocabulary = tuple(sorted(self._postings))

    def search(self, query: str) -> list[SearchHit]:
        """Services matching every word of ``query``, best first; an empty query matches nothing."""
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return []
        total: dict[int, float] | None = None
        for term in terms:
            scores: dict[int, float] = {}
            for word in self._vocabulary:
                if term not in word:
                    continue
                quality = _EXACT if word == term else _PREFIX if word.startswith(term) else _INSIDE
                for position, weight in self._postings[word].items():
                    score = quality * weight
                    if score > scores.get(position, 0.0):
                        scores[position] = score
            if total is None:
                total = scores
            else:
                total = {pos: total[pos] + s for pos, s in scores.items() if pos in total}
            if not total:
                return []
        assert total is not None

        # On equal scores the shorter name wins: the query covers more of it.
        def rank(item: tuple[int, float]) -> tuple[float, int, str]:
            name = self._services[item[0]].name.en
            return -item[1], len(name), name

        return [SearchHit(self._services[pos], score) for pos, score in sorted(total.items(), key=rank)]
