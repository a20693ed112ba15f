"""The files exchanged with CPGRAMS, read and written as CSV.

The import file has a header row naming these columns (in any order; others are ignored)::

    registration_no, received_on, organisation, department, category, district, place, text,
    mobile (optional), kind (optional, complaint when empty), appeal_of (optional), rating (optional)

A row with ``appeal_of`` is an appeal CPGRAMS forwards after the citizen rated the disposal of an
earlier grievance "poor": ``appeal_of`` is that grievance's registration number, ``registration_no`` the
appeal's own, ``rating`` must be ``poor``, and the columns describing the grievance may be left empty.

Reading checks every row and reports every problem with its line number before anything is written; a
file with any problem is refused whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.grievance_routing import GRIEVANCE_TYPES, Routing
from family_registry.mobile import check_mobile

__all__ = [
    "COLUMNS",
    "EXPORT_COLUMNS",
    "MAX_ROWS",
    "REGISTRATION",
    "CpgramsRow",
    "FileProblem",
    "read_rows",
    "write_rows",
]

# DARPG/E/2024/00001: the organisation's code, the channel letter, the year and a serial; an appeal's
# number carries A after the channel letter (DARPG/E/A/2024/00001).
REGISTRATION = re.compile(r"^[A-Z]{2,12}/[A-Z]/(A/)?[0-9]{2,4}/[0-9]{1,9}$")
COLUMNS = (
    "registration_no",
    "received_on",
    "organisation",
    "department",
    "category",
    "district",
    "place",
    "text",
)
OPTIONAL = ("mobile", "kind", "appeal_of", "rating")
EXPORT_COLUMNS = (
    "registration_no",
    "seva_number",
    "status",
    "level",
    "received_on",
    "due_on",
    "disposed_on",
    "within_limit",
    "days_taken",
    "action_taken",
)
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class CpgramsRow:
    line: int
    registration_no: str
    received_on: dt.date
    organisation: str
    department: str
    category: str
    district: str
    place: str
    text: str
    mobile: str | None
    kind: str
    appeal_of: str | None
    rating: str | None


def _decoded(raw: bytes) -> str:
    text = raw.decode("utf-8-sig")  # spreadsheets often write a byte-order mark
    return text


def read_rows(
    raw: bytes, routing: Routing, districts: Iterable[str], today: dt.date
) -> tuple[list[CpgramsRow], list[FileProblem]]:
    """The rows of an import file and every problem found in it (line numbers count the header as 1).
    What needs the database (whether an appeal's grievance was imported and disposed) is checked by the
    caller."""
    problems: list[FileProblem] = []
    if len(raw) > MAX_BYTES:
        return [], [FileProblem(0, "file", f"larger than {MAX_BYTES // (1024 * 1024)} MiB; split it")]
    try:
        text = _decoded(raw)
    except UnicodeDecodeError as exc:
        return [], [FileProblem(0, "file", f"not UTF-8 text (byte {exc.start})")]
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        return [], [FileProblem(1, "header", f"not CSV: {exc}")]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [FileProblem(1, "header", f"missing column(s): {', '.join(missing)}")]
    district_codes = frozenset(districts)
    rows: list[CpgramsRow] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(FileProblem(line, "file", f"more than {MAX_ROWS} rows; split it"))
                break
            row = _row(line, record, routing, district_codes, today, seen, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(FileProblem(reader.line_num, "file", f"not CSV: {exc}"))
    if not rows and not problems:
        problems.append(FileProblem(1, "file", "no rows after the header"))
    return rows, problems


def _row(
    line: int,
    record: dict[str | None, object],
    routing: Routing,
    districts: frozenset[str],
    today: dt.date,
    seen: dict[str, int],
    problems: list[FileProblem],
) -> CpgramsRow | None:
    before = len(problems)

    def get(name: str) -> str:
        value = record.get(name)
        return value.strip() if isinstance(value, str) else ""

    def bad(field: str, message: str) -> None:
        problems.append(FileProblem(line, field, message))

    if None in record:
        bad("row", "more values than the header has columns")
    number = get("registration_no").upper()
    if not REGISTRATION.match(number):
        bad(
            "registration_no", f"'{number[:40]}' is not a CPGRAMS registration number like DARPG/E/2024/00001"
        )
    elif number in seen:
        bad("registration_no", f"{number} is also on line {seen[number]}")
    else:
        seen[number] = line
    received: dt.date | None = None
    try:
        received = dt.date.fromisoformat(get("received_on"))
        if received > today:
            bad("received_on", f"{received} is in the future")
    except ValueError:
        bad("received_on", f"'{get('received_on')[:20]}' is not a date (YYYY-MM-DD)")
    appeal_of = get("appeal_of").upper() or None
    rating = get("rating").lower() or None
    mobile: str | None = None
    if get("mobile"):
        try:
            mobile = check_mobile(get("mobile"))
        except ValueError:
            bad("mobile", "not a 10-digit Indian mobile number")
    department, category, district = get("department"), get("category"), get("district")
    place, text, kind = get("place"), get("text"), get("kind") or "complaint"
    if appeal_of is not None:
        if not REGISTRATION.match(appeal_of):
            bad("appeal_of", f"'{appeal_of[:40]}' is not a registration number")
        if rating != "poor":
            bad("rating", "an appeal follows a 'poor' rating of the disposal")
    else:
        if rating is not None:
            bad("rating", "only an appeal row carries a rating")
        route = routing.department(department)
        if route is None:
            bad("department", f"'{department[:40]}' is not a department that takes grievances")
        elif category not in route.categories:
            bad("category", f"'{category[:40]}' is not a category of {department}")
        if district not in districts:
            bad("district", f"'{district[:40]}' is not a district of the state")
        if not 1 <= len(place) <= 200:
            bad("place", "1 to 200 characters")
        if not 10 <= len(text) <= 4000:
            bad("text", "10 to 4000 characters")
        if kind not in GRIEVANCE_TYPES:
            bad("kind", f"one of {', '.join(GRIEVANCE_TYPES)}")
        organisation = get("organisation")
        if not 1 <= len(organisation) <= 200:
            bad("organisation", "1 to 200 characters")
    if len(problems) > before or received is None:
        return None
    return CpgramsRow(
        line=line,
        registration_no=number,
        received_on=received,
        organisation=get("organisation")[:200],
        department=department,
        category=category,
        district=district,
        place=place,
        text=text,
        mobile=mobile,
        kind=kind,
        appeal_of=appeal_of,
        rating=rating,
    )


def write_rows(rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
