"""Synthetic registries: realistic, deterministic families of Madhya Pradesh for demos, tests and benchmarks.

``Synthesizer(seed).rows(n)`` yields the CSV rows (``csv_format.COLUMNS``) of ``n`` families; the same
seed always gives the same rows, byte for byte. Families are drawn district by district in proportion
to population, urban or rural by the district's urban share, and ST, SC, OBC or general by its shares;
particularly vulnerable tribal groups live where they do, and tribal families carry the surnames of their
region's tribes. A family lives in one of its district's tehsils, under a gram panchayat of a janpad
panchayat or an urban body. A family is built around its head (spouse, children, a married son's wife and
children, a surviving parent), which gives an age pyramid close to the Census 2011 one for the state;
no two members of a family share a full name. BPL status, ration cards (Antyodaya or priority household),
land, incomes, occupations, income tax, government service, disabilities, mobile numbers, Aadhaar
numbers (valid, unique, never real: see below) and e-KYC follow.

IDs, ration card numbers and Aadhaar numbers are drawn without collisions: each is a bijection of the
family's or member's position, so a registry of any size holds no duplicate, and two runs with one seed
give the same IDs.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from family_registry import verhoeff
from family_registry.districts import DISTRICTS, District
from family_registry.names import (
    FEMALE,
    MALE,
    MUSLIM_FEMALE,
    MUSLIM_MALE,
    MUSLIM_SURNAMES,
    ST_REGIONS,
    ST_SURNAMES,
    SURNAMES,
    TRIBE_SURNAMES,
    VILLAGE_ENDS,
    VILLAGE_STARTS,
    Name,
)
from family_registry.tehsils import TEHSILS

__all__ = ["AS_OF", "STATE", "Synthesizer"]

# The state whose families these are (the ``state.code`` of its catalogue).
STATE = "mp"

# Ages are drawn as of this day, not today, so the rows do not change from one day to the next.
AS_OF = dt.date(2025, 4, 1)

_CITIES = frozenset({
    "indore", "bhopal", "jabalpur", "gwalior", "ujjain", "sagar", "rewa", "satna", "katni", "dewas",
    "burhanpur", "ratlam", "singrauli", "chhindwara", "khandwa", "morena",
})  # fmt: skip
# (low, high, weight): age of the head of a family.
_HEAD_AGES = ((21, 29, 15), (30, 39, 30), (40, 49, 26), (50, 59, 16), (60, 69, 9), (70, 88, 4))
_DISABILITY_PERCENT = (40, 40, 45, 50, 50, 60, 60, 70, 75, 80, 90, 100, 20, 25, 30)
# Median yearly income in rupees by occupation, before the spread.
_GRANDDAUGHTER = ("granddaughter", "female")
# Occupations of adults under 60 by (gender, urban): weight when not BPL, weight when BPL.
_WORK: dict[tuple[str, bool], dict[str, tuple[int, int]]] = {
    ("female", True): {
        "homemaker": (70, 70), "salaried": (8, 4), "self_employed": (6, 5), "unorganised_worker": (12, 16),
        "unemployed": (4, 5),
    },
    ("female", False): {
        "homemaker": (55, 50), "agricultural_labourer": (18, 28), "farmer": (8, 5),
        "unorganised_worker": (6, 8), "artisan": (3, 3),
    },
    ("male", True): {
        "salaried": (30, 18), "self_employed": (22, 18), "unorganised_worker": (16, 24),
        "construction_worker": (8, 14), "unemployed": (6, 8), "artisan": (4, 5), "other": (6, 5),
    },
    ("male", False): {
        "farmer": (45, 30), "agricultural_labourer": (20, 38), "construction_worker": (9, 10),
        "unorganised_worker": (8, 9), "self_employed": (5, 3), "salaried": (6, 2), "artisan": (3, 3),
        "fisher": (1, 1), "unemployed": (2, 3),
    },
}  # fmt: skip
_INCOME = {
    "farmer": 70_000, "agricultural_labourer": 42_000, "construction_worker": 66_000,
    "unorganised_worker": 60_000, "salaried": 240_000, "self_employed": 120_000, "artisan": 54_000,
    "fisher": 45_000, "retired": 110_000,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Home:
    """What every member of one family shares."""

    urban: bool
    bpl: bool
    category: str
    tribe: str
    surname: Name
    muslim: bool


class _Ids:
    """Family IDs, member IDs and Aadhaar numbers as bijections of a position: never two alike."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"seva-synth-ids-{seed}")  # noqa: S311 - reproducible on purpose
        self.family = self._bijection(rng, 10_000_000, 90_000_000)
        self.member = self._bijection(rng, 100_000_000, 900_000_000)
        self.aadhaar = self._bijection(rng, 20_000_000_000, 80_000_000_000)

    @staticmethod
    def _bijection(rng: random.Random, low: int, size: int) -> Any:
        while True:
            multiplier = rng.randrange(size // 3, size)
            if math.gcd(multiplier, size) == 1:
                break
        offset = rng.randrange(size)
        return lambda index: low + (index * multiplier + offset) % size

    def aadhaar_number(self, index: int) -> str | None:
        body = str(self.aadhaar(index))
        number = body + verhoeff.check_digit(body)
        return None if number == number[::-1] else number  # UIDAI issues no palindromes


class Synthesizer:
    """Deterministic synthetic families; ``rows`` yields them as CSV rows, one per member."""

    def __init__(self, seed: int, as_of: dt.date = AS_OF) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data must be reproducible
        self.ids = _Ids(seed)
        self.as_of = as_of
        self._weights = [d.population_lakh for d in DISTRICTS]
        self._member_index = 0

    # --- helpers -------------------------------------------------------------------------------
    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _pick(self, items: tuple[Name, ...]) -> Name:
        return items[self.rng.randrange(len(items))]

    def _birth_date(self, age: int) -> dt.date:
        born = self.as_of - dt.timedelta(days=round(age * 365.2425) + self.rng.randrange(365))
        return born

    def _place(self) -> Name:
        start, end = self._pick(VILLAGE_STARTS), self._pick(VILLAGE_ENDS)
        return start[0] + end[0], start[1] + end[1]

    # --- one family ----------------------------------------------------------------------------
    def _category(self, district: District) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < district.st:
            tribe = district.pvtg if district.pvtg and self._chance(district.pvtg_share) else "other"
            return "st", tribe
        if roll < district.st + district.sc:
            return "sc", "none"
        return ("obc" if self._chance(0.74) else "general"), "none"

    def _address(self, district: District, urban: bool) -> tuple[str, str, str, str, str, str]:
        """(local body, ward, village or town, kind of local body, tehsil, janpad panchayat)."""
        rng = self.rng
        tehsils = TEHSILS[district.code]
        towns = [t for t in tehsils if t.endswith(" Nagar")] or list(tehsils)
        villages = [t for t in tehsils if not t.endswith(" Nagar")] or list(tehsils)
        if urban:
            if district.code in _CITIES and self._chance(0.75):
                ward = str(rng.randint(1, 85))
                return f"Nagar Nigam {district.en}", ward, district.en, "nagar_nigam", rng.choice(towns), ""
            if self._chance(0.6):
                ward = str(rng.randint(1, 40))
                return f"Nagar Palika {district.en}", ward, district.en, "nagar_palika", rng.choice(towns), ""
            town = self._place()[0]
            ward = str(rng.randint(1, 15))
            return f"Nagar Parishad {town}", ward, town, "nagar_parishad", rng.choice(villages), ""
        tehsil = rng.choice(villages)
        village = self._place()[0]
        panchayat = village if self._chance(0.6) else self._place()[0]
        ward = str(rng.randint(1, 20))
        return (
            f"Gram Panchayat {panchayat}",
            ward,
            village,
            "gram_panchayat",
            tehsil,
            f"Janpad Panchayat {tehsil}",
        )

    def _land(self, urban: bool, bpl: bool, farming: bool) -> float:
        """Hectares held: most farming families hold a small or marginal holding (Agricultural Census:
        about 1.6 hectares on average in the state), a few a large one; others rarely hold land."""
        if farming:
            hectares = math.exp(self.rng.gauss(0.1, 0.8)) * (0.6 if bpl else 1.0)
        elif not urban and self._chance(0.25):
            hectares = self.rng.uniform(0.1, 0.8)
        elif self._chance(0.03):
            hectares = self.rng.uniform(0.2, 3.0)
        else:
            return 0.0
        return round(min(hectares, 60.0), 2)

    def _family(self, index: int) -> list[list[str]]:
        rng = self.rng
        district = rng.choices(DISTRICTS, self._weights)[0]
        urban = self._chance(district.urban)
        category, tribe = self._category(district)
        bpl_chance = (0.20 if urban else 0.38) * {"st": 1.6, "sc": 1.3, "obc": 1.0, "general": 0.5}[category]
        bpl = self._chance(min(bpl_chance, 0.9))
        ration = bpl or tribe in TRIBE_SURNAMES or self._chance(0.40 if urban else 0.55)
        # Every family of a particularly vulnerable tribal group, and the poorest of the BPL, are Antyodaya.
        aay = ration and (tribe in TRIBE_SURNAMES or (bpl and self._chance(0.25)))
        card_type = "aay" if aay else "priority" if ration else "none"
        local_body, ward, place, body_kind, tehsil, janpad = self._address(district, urban)
        family_id = self.ids.family(index)
        # A card number is the district's number and the family's own: no two alike across the state.
        ration_card = f"MP{_DISTRICT_NUMBER[district.code]:02d}{family_id:08d}" if ration else ""

        if tribe in TRIBE_SURNAMES:
            surname = self._pick(TRIBE_SURNAMES[tribe])
            muslim = False
        elif category == "st":
            surname = self._pick(ST_SURNAMES[ST_REGIONS.get(district.code, "gond")])
            muslim = False
        else:
            muslim = category in ("obc", "general") and self._chance(0.10 if urban else 0.05)
            surname = self._pick(MUSLIM_SURNAMES) if muslim else self._pick(SURNAMES[category])
        home = _Home(urban, bpl, category, tribe, surname, muslim)
        head_mobile: str | None = None
        members: list[dict[str, str]] = []
        taken: set[str] = set()
        for relation, gender, age, marital in self._people(urban, category):
            member = self._member(home, relation, gender, age, marital, taken)
            if relation == "head":
                head_mobile = member["mobile"] or None
            elif not member["mobile"] and age >= 18 and head_mobile and self._chance(0.3):
                member["mobile"] = head_mobile  # many share the head's phone
            members.append(member)
        farming = any(m["occupation"] == "farmer" for m in members)
        family = [
            str(family_id), district.code, local_body, ward, place, "urban" if urban else "rural", category,
            "true" if bpl else "false", ration_card, card_type, tehsil, janpad, body_kind,
            f"{self._land(urban, bpl, farming):g}",
        ]  # fmt: skip
        return [family + [member[c] for c in _MEMBER_ORDER] for member in members]

    def _people(self, urban: bool, category: str) -> list[tuple[str, str, int, str]]:
        """(relation, gender, age, marital status) of everyone in the family, the head first."""
        rng = self.rng
        low, high, _ = rng.choices(_HEAD_AGES, [w for _, _, w in _HEAD_AGES])[0]
        head_age = rng.randint(low, high)
        people: list[tuple[str, str, int, str]] = []
        if self._chance(0.88):
            married = self._chance(0.93 if head_age < 60 else 0.72)
            widowed = not married and head_age >= 45 and self._chance(0.7)
            marital = "married" if married else "widowed" if widowed else "unmarried"
            people.append(("head", "male", head_age, marital))
            mother_age = max(18, head_age - rng.randint(1, 7)) if married else None
            if married:
                people.append(("spouse", "female", mother_age or 18, "married"))
            elif marital == "widowed":
                mother_age = head_age - rng.randint(1, 6)
        else:  # a woman heads the family: mostly widows, some whose husband works away
            marital = rng.choices(("widowed", "married", "separated", "abandoned"), (65, 25, 6, 4))[0]
            people.append(("head", "female", head_age, marital))
            mother_age = head_age
        if rng.random() < 0.0004:
            relation, _, age, status = people[0]
            people[0] = (relation, "transgender", age, status)

        if mother_age is not None:
            mean = {"st": 3.8, "sc": 3.5, "obc": 3.2, "general": 2.5}[category] - (0.5 if urban else 0.0)
            for _ in range(self._poisson(mean)):
                age = mother_age - rng.randint(19, 36)
                if age < 0:
                    continue
                gender = "male" if self._chance(0.52) else "female"
                if gender == "female" and age >= 19 and self._chance(min(0.95, (age - 18) * 0.25)):
                    continue  # married and living with her husband's family
                if gender == "male" and age >= 28 and self._chance(0.5):
                    continue  # moved out with his own family
                relation = "son" if gender == "male" else "daughter"
                married = gender == "male" and age >= 21 and self._chance(min(0.9, (age - 20) * 0.18))
                people.append((relation, gender, age, "married" if married else "unmarried"))
                if married:
                    wife = max(18, age - rng.randint(1, 5))
                    people.append(("daughter_in_law", "female", wife, "married"))
                    for _ in range(self._poisson(1.6)):
                        grandchild = wife - rng.randint(19, 30)
                        if grandchild >= 0:
                            relation, gender = ("grandson", "male") if self._chance(0.52) else _GRANDDAUGHTER
                            people.append((relation, gender, grandchild, "unmarried"))
        if head_age < 55:
            parent_age = head_age + rng.randint(20, 32)
            if parent_age <= 95 and self._chance(0.4 * (95 - parent_age) / 45):
                if self._chance(0.45):
                    people.append(("father", "male", parent_age + rng.randint(2, 6), "married"))
                    people.append(("mother", "female", parent_age, "married"))
                else:
                    people.append(("mother", "female", parent_age, "widowed"))
        if head_age < 35 and self._chance(0.08):
            age = rng.randint(15, 28)
            boy = self._chance(0.5)
            people.append(("brother" if boy else "sister", "male" if boy else "female", age, "unmarried"))
        return people

    def _poisson(self, mean: float) -> int:
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _occupation(self, gender: str, age: int, urban: bool, bpl: bool) -> str:
        rng = self.rng
        if age < 6:
            return "other"
        if age < 18:
            return "student" if self._chance(0.93) else "other"
        if age < 24 and self._chance(0.5 if urban else 0.3):
            return "student"
        if age >= 60:
            if gender == "female":
                return "homemaker"
            return rng.choices(("retired", "farmer", "other"), (35, 15, 50) if urban else (10, 50, 40))[0]
        table = _WORK[("female" if gender == "female" else "male", urban)]
        return rng.choices(tuple(table), [weights[bpl] for weights in table.values()])[0]

    def _given(self, home: _Home, gender: str, age: int, taken: set[str]) -> Name:
        """A given name no one else in the family has: the same full name twice would be one person twice."""
        generation = "older" if age >= 35 else "younger"
        if home.muslim:
            names = MUSLIM_FEMALE if gender == "female" else MUSLIM_MALE
        else:
            names = (FEMALE if gender == "female" else MALE)[generation]
        free = [name for name in names if name[0] not in taken]
        given = self._pick(tuple(free) if free else names)
        if given[0] in taken:  # every name of the list taken: widen to the other generation
            widen = "younger" if generation == "older" else "older"
            other = (FEMALE if gender == "female" else MALE)[widen]
            given = self._pick(tuple(n for n in other if n[0] not in taken) or other)
        taken.add(given[0])
        return given

    def _member(
        self, home: _Home, relation: str, gender: str, age: int, marital: str, taken: set[str]
    ) -> dict[str, str]:
        rng, urban, bpl, surname = self.rng, home.urban, home.bpl, home.surname
        given = self._given(home, gender, age, taken)
        occupation = self._occupation(gender, age, urban, bpl)
        median = _INCOME.get(occupation)
        income = 0
        if median is not None and not (occupation == "retired" and not self._chance(0.5)):
            income = int(median * (0.6 if bpl else 1.0) * math.exp(rng.gauss(0, 0.45)) / 100) * 100
        # Government service: some salaried members work for a government, many retired ones draw its pension.
        service = "none"
        if occupation == "salaried" and self._chance(0.3):
            service = "employee"
        elif occupation == "retired" and income and self._chance(0.6):
            service = "pensioner"
        # Income tax: above the rebate limit nearly all pay; a few below it file and pay on other income.
        tax_payer = income >= 700_000 or (income >= 400_000 and self._chance(0.4))
        disabled = self._chance(0.012 if age < 40 else 0.03 if age < 60 else 0.07)
        residence = age if self._chance(0.9) else rng.randint(0, age)
        index = self._member_index
        self._member_index += 1
        has_mobile = age >= 18 and self._chance((0.95 if relation == "head" else 0.7) if urban else
                                                (0.9 if relation == "head" else 0.5))  # fmt: skip
        aadhaar = None
        if self._chance(0.45 if age < 5 else 0.85 if age < 18 else 0.96):
            aadhaar = self.ids.aadhaar_number(index)
        return {
            "member_id": str(self.ids.member(index)),
            "name_en": f"{given[0]} {surname[0]}",
            "name_hi": f"{given[1]} {surname[1]}",
            "gender": gender,
            "date_of_birth": self._birth_date(age).isoformat(),
            "relation": relation,
            "marital_status": marital,
            "social_category": home.category,
            "tribe": home.tribe,
            "disability_percent": str(rng.choice(_DISABILITY_PERCENT)) if disabled else "0",
            "occupation": occupation,
            "annual_income": str(income),
            "residence_years": "" if self._chance(0.02) else str(residence),
            "income_tax_payer": "true" if tax_payer else "false",
            "government_service": service,
            "mobile": str(rng.randint(6_000_000_000, 9_999_999_999)) if has_mobile else "",
            "aadhaar": aadhaar or "",
            "ekyc_done": "true" if aadhaar and self._chance(0.85) else "false",
        }

    # --- the registry --------------------------------------------------------------------------
    def rows(self, families: int) -> Iterator[list[str]]:
        """The rows of ``families`` families, in ``csv_format.COLUMNS`` order."""
        for index in range(families):
            yield from self._family(index)


_MEMBER_ORDER = (
    "member_id", "name_en", "name_hi", "gender", "date_of_birth", "relation", "marital_status",
    "social_category", "tribe", "disability_percent", "occupation", "annual_income", "residence_years",
    "income_tax_payer", "government_service", "mobile", "aadhaar", "ekyc_done",
)  # fmt: skip
# Two digits per district, in the order of ``DISTRICTS`` (alphabetical): the prefix of its ration cards.
_DISTRICT_NUMBER = {district.code: number for number, district in enumerate(DISTRICTS, start=1)}
