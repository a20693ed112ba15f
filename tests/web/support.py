"""A Dindori family of six and a Bhopal family of one, and the steps a person takes on the pages: reading a
form's CSRF token, signing in with the code from the demo inbox, following redirects.

Used by the in-process tests of this folder and by the browser tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import insert

from family_registry.tables import Family, Member
from gateway.database import create_engine

__all__ = ["DHURVE", "SHARMA", "Household", "csrf_token", "insert_rows", "seed_households", "sign_in"]


@dataclass(frozen=True)
class Household:
    family_id: str
    head: str  # member ID
    mobile: str
    members: tuple[str, ...]
    head_name_en: str
    head_name_hi: str


DHURVE = Household(
    "20000101", "200001011", "9876511111",
    ("200001011", "200001012", "200001013", "200001014", "200001015", "200001016"),
    "Sukhiya Dhurve", "सुखिया धुर्वे",
)  # fmt: skip
SHARMA = Household("20000201", "200002011", "9876522222", ("200002011",), "Meera Sharma", "मीरा शर्मा")

_FAMILIES: list[dict[str, Any]] = [
    {"family_id": DHURVE.family_id, "head_member_id": DHURVE.head, "district": "dindori",
     "local_body": "Samnapur", "ward": None, "village_or_town": "Kharidih", "area": "rural",
     "social_category": "st", "bpl": True, "ration_card": "DIN-0042-7731"},
    {"family_id": SHARMA.family_id, "head_member_id": SHARMA.head, "district": "bhopal",
     "local_body": "Bhopal Municipal Corporation", "ward": "21", "village_or_town": "Bhopal", "area": "urban",
     "social_category": "general", "bpl": False, "ration_card": None},
]  # fmt: skip

# member_id, family, name_en, name_hi, gender, born, relation, marital, occupation, income, mobile,
# tribe, residence years, e-KYC, Aadhaar's last four
_MEMBERS = [
    ("200001011", DHURVE, "Sukhiya Dhurve", "सुखिया धुर्वे", "female", dt.date(1958, 3, 10), "head",
     "widowed", "farmer", 12_000, DHURVE.mobile, "baiga", 60, True, "4821"),
    ("200001012", DHURVE, "Ramesh Dhurve", "रमेश धुर्वे", "male", dt.date(1984, 7, 2), "son", "married",
     "farmer", 36_000, "9876511112", "baiga", 40, True, "1937"),
    ("200001013", DHURVE, "Kamla Dhurve", "कमला धुर्वे", "female", dt.date(1988, 1, 15), "daughter_in_law",
     "married", "agricultural_labourer", 18_000, None, "baiga", None, False, None),
    ("200001014", DHURVE, "Sunita Dhurve", "सुनीता धुर्वे", "female", dt.date(2008, 9, 30), "granddaughter",
     "unmarried", "student", 0, None, "baiga", 17, True, None),
    ("200001015", DHURVE, "Raju Dhurve", "राजू धुर्वे", "male", dt.date(2014, 2, 11), "grandson",
     "unmarried", "student", 0, None, "baiga", 11, False, None),
    ("200001016", DHURVE, "Gudiya Dhurve", "गुड़िया धुर्वे", "female", dt.date(2022, 12, 1), "granddaughter",
     "unmarried", "other", 0, None, "baiga", 3, False, None),
    ("200002011", SHARMA, "Meera Sharma", "मीरा शर्मा", "female", dt.date(1979, 5, 20), "head", "married",
     "salaried", 480_000, SHARMA.mobile, "none", 30, True, "7730"),
]  # fmt: skip


def seed_households(url: str) -> None:
    """The two households, in the database at ``url`` (already migrated)."""

    async def go() -> None:
        engine = create_engine(url)
        now = time.time()
        try:
            async with engine.begin() as conn:
                for family in _FAMILIES:
                    await conn.execute(
                        insert(Family.__table__).values(**family, version=1, updated_at=now)  # type: ignore[attr-defined]
                    )
                for (member_id, home, name_en, name_hi, gender, born, relation, marital, occupation, income,
                     mobile, tribe, years, ekyc, last4) in _MEMBERS:  # fmt: skip
                    await conn.execute(
                        insert(Member.__table__).values(  # type: ignore[attr-defined]
                            member_id=member_id, family_id=home.family_id, name_en=name_en, name_hi=name_hi,
                            gender=gender, date_of_birth=born, relation=relation, marital_status=marital,
                            social_category="st" if home is DHURVE else "general", tribe=tribe,
                            disability_percent=0, occupation=occupation, annual_income=income, mobile=mobile,
                            residence_years=years, ekyc_done=ekyc, aadhaar_last4=last4,
                            aadhaar_hash=f"{member_id:0>64}" if last4 else None, updated_at=now,
                        )
                    )  # fmt: skip
        finally:
            await engine.dispose()

    # Playwright's sync API keeps an event loop running in this thread: seed from a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, go()).result()


def insert_rows(url: str, rows: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    """``rows`` of each table (a SQLModel class), in one transaction in the database at ``url``: for a
    server running in another process, or before an in-process one starts."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                for table, values in rows:
                    await conn.execute(insert(table.__table__), values)
        finally:
            await engine.dispose()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright keeps a loop in this thread
        pool.submit(asyncio.run, go()).result()


_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    """The CSRF token of the first form of ``page``."""
    found = _TOKEN.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def latest_code(client: httpx.Client, mobile: str) -> str:
    """The newest sign-in code the demo inbox holds for ``mobile``."""
    messages = client.get("/api/v1/demo/inbox", params={"mobile": mobile}).json()
    codes = [code for m in messages for code in re.findall(r"\b(\d{6})\b", m["text"] or "")]
    assert codes, f"no code in the demo inbox for {mobile[-4:]}"
    return codes[0]


def sign_in(client: httpx.Client, login: str, mobile: str, next_page: str = "/family") -> httpx.Response:
    """Sign in on the pages as a person does, and return the page it lands on."""
    form = client.get("/sign-in", params={"next": next_page})
    sent = client.post(
        "/sign-in", data={"login": login, "next": next_page, "_csrf_token": csrf_token(form.text)},
        follow_redirects=True,
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    return client.post(
        "/sign-in/code",
        data={"code": latest_code(client, mobile), "next": next_page, "_csrf_token": csrf_token(sent.text)},
        follow_redirects=True,
    )
