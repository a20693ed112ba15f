"""Import families and members from CSV, streaming: memory stays flat whatever the size of the file.

The file is read with the ``csv`` module a row at a time; each row is checked on its own
(``csv_format.RowParser``: the checks of ``parse_row``, by position), gathered into batches and written
by ``writer.BatchWriter``, one transaction per batch. Every refused row goes to the rejects file with its
line and the reason, and the good rows are kept. Importing the same file again updates the registry
instead of duplicating it.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from family_registry.aadhaar import AadhaarHasher
from family_registry.csv_format import COLUMNS, OPTIONAL_COLUMNS, RowError, RowParser
from family_registry.errors import ImportFileError
from family_registry.keys_check import ensure_key
from family_registry.writer import BatchWriter, Pending, Rejected, WriteCounts

__all__ = ["DEFAULT_BATCH", "ImportReport", "RejectsFile", "import_csv", "import_rows", "today_in_india"]

log = logging.getLogger("seva.registry.import")

DEFAULT_BATCH = 10_000
_YIELD_EVERY = 250
_INDIA = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")
# Anything that looks like an Aadhaar number (12 digits, maybe in groups of four) is masked in rejects.
_AADHAAR_LIKE = re.compile(r"(?<!\d)(?:\d{4}[ \-]?){2}(\d{4})(?!\d)")


def today_in_india() -> dt.date:
    """The date in India, which is what "today" means for an age or a date of birth."""
    return dt.datetime.now(_INDIA).date()


@dataclass
class ImportReport:
    """What an import did. ``rejected`` rows are in the rejects file, each with its line and reason."""

    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    counts: WriteCounts = field(default_factory=WriteCounts)
    seconds: float = 0.0
    rejects_path: Path | None = None

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.rows:,} rows: {self.accepted:,} accepted ({c.members_added:,} members added, "
            f"{c.members_updated:,} updated, {c.members_unchanged:,} unchanged; "
            f"{c.families_added:,} families added, {c.families_updated:,} updated), "
            f"{self.rejected:,} rejected, in {self.seconds:.1f} s"
        )


def _scrub(value: str) -> str:
    return _AADHAAR_LIKE.sub(lambda m: "********" + m.group(1), value)


class RejectsFile:
    """The rejects file: ``line``, ``reason``, then the row's own columns as they were read.

    It is created only when the first row is rejected. Aadhaar numbers are masked in it, like everywhere
    else outside the hash; the line number leads back to the original file.
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.count = 0
        self._out: IO[str] | None = None
        self._writer: Any = None

    def add(self, rejected: Rejected) -> None:
        if self._writer is None:
            self._out = self.path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
            self._writer = csv.writer(self._out)
            self._writer.writerow(["line", "reason", *self.header])
        self._writer.writerow([rejected.line, rejected.reason, *(_scrub(f) for f in rejected.fields)])
        self.count += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()

    def __enter__(self) -> RejectsFile:
        if self.path.exists():
            self.path.unlink()  # an old rejects file would mislead
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in names and name not in OPTIONAL_COLUMNS]
    doubled = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if doubled:
        problems.append(f"columns given twice: {', '.join(doubled)}")
    if problems:
        raise ImportFileError("line 1: " + "; ".join(problems) + ". See docs/registry.md for the columns.")
    return names


def _records(reader: Any) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(first line, fields, None) for each record, or (line, None, reason) where the CSV is malformed."""
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield last + 1, None, f"malformed CSV: {exc}"
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if fields:
            note = f"spans lines {first}-{last} (an unclosed quote?)" if last > first else None
            yield first, fields, note


class _Pipeline:
    """Parses the next batch while the previous one is being written: SQLite and PostgreSQL do their
    work outside the GIL, so on two cores the import runs at the speed of the slower of the two.

    Rejects are handed on in line order, one batch at a time, so memory stays bounded by the batch.
    """

    def __init__(
        self, writer: BatchWriter, rejects: Callable[[Rejected], None], report: ImportReport
    ) -> None:
        self.writer = writer
        self.rejects = rejects
        self.report = report
        self.batch: list[Pending] = []
        self.refused: list[Rejected] = []  # rows of the batch being filled that failed their own checks
        self._flight: tuple[asyncio.Task[tuple[list[Rejected], WriteCounts]], list[Rejected], int] | None = (
            None
        )

    @property
    def writing(self) -> bool:
        return self._flight is not None

    async def land(self) -> None:
        """Wait for the batch being written and report its rejects."""
        if self._flight is None:
            return
        task, refused, size = self._flight
        self._flight = None
        rejected, counts = await task
        for item in sorted(refused + rejected, key=lambda r: r.line):
            self.rejects(item)
        self.report.rejected += len(refused) + len(rejected)
        self.report.accepted += size - len(rejected)
        self.report.counts.add(counts)

    async def send(self, now: float) -> None:
        await self.land()
        batch, self.batch = self.batch, []
        self._flight = (asyncio.create_task(self.writer.write(batch, now)), self.refused, len(batch))
        self.refused = []

    async def abandon(self) -> None:
        if self._flight is not None:
            with contextlib.suppress(Exception):
                await self._flight[0]
            self._flight = None


async def import_rows(
    engine: AsyncEngine,
    header: list[str],
    records: Iterable[tuple[int, list[str] | None, str | None]],
    hasher: AadhaarHasher,
    rejects: Callable[[Rejected], None],
    *,
    batch_size: int = DEFAULT_BATCH,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    copy: bool = True,
) -> ImportReport:
    """Import ``records`` (line, fields, note) laid out as ``header``; refused rows go to ``rejects``.

    ``progress`` is called after each batch with the number of rows read so far. ``copy=False`` sends
    new rows to PostgreSQL as upserts instead of ``COPY`` (the same rows either way).
    """
    started = time.perf_counter()
    names = _check_header(header)
    width = len(names)
    today = today or today_in_india()
    report = ImportReport()
    async with engine.connect() as conn:
        await ensure_key(conn, hasher)
        writer = BatchWriter(conn, copy=copy)
        await writer.open()
        pipeline = _Pipeline(writer, rejects, report)
        # SQLite's driver thread needs the GIL back for every row it reads; parsing alongside would
        # starve it, so there the batches take turns with the parsing (measured again with only the
        # inserts overlapped: no faster on two shared cores, and more CPU a row). PostgreSQL works in
        # its own process.
        overlap = not writer.is_sqlite
        now = time.time()
        parser = RowParser(names, hasher, today, now)
        try:
            for line, fields, note in records:
                report.rows += 1
                if pipeline.writing and report.rows % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let the batch being written take its next step
                reason = _row_problem(fields, note, width)
                if reason is None:
                    assert fields is not None
                    try:
                        parsed = parser.parse(fields)
                    except RowError as exc:
                        reason = str(exc)
                    else:
                        pipeline.batch.append(Pending(line, fields, parsed))
                        if len(pipeline.batch) >= batch_size:
                            await pipeline.send(now)
                            if not overlap:
                                await pipeline.land()
                            if progress is not None:
                                progress(report.rows)
                        continue
                pipeline.refused.append(Rejected(line, fields or [], reason))
            await pipeline.send(now)
            await pipeline.land()
        finally:
            await pipeline.abandon()
            await writer.close()
    if progress is not None:
        progress(report.rows)
    report.seconds = time.perf_counter() - started
    log.info("registry import: %s", report.summary())
    return report


def _row_problem(fields: list[str] | None, note: str | None, width: int) -> str | None:
    if fields is None:
        return note or "malformed CSV"
    if len(fields) != width:
        reason = f"has {len(fields)} fields, the header has {width}"
        return f"{reason}; {note}" if note else reason
    joined = "".join(fields)
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8 text"
    if "\x00" in joined:
        return "holds a NUL character"  # PostgreSQL cannot store one in text
    return None


async def import_csv(
    engine: AsyncEngine,
    path: Path,
    hasher: AadhaarHasher,
    rejects_path: Path | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    copy: bool = True,
) -> ImportReport:
    """Import the CSV file at ``path``; rejected rows go to ``rejects_path`` (default ``FILE.rejects.csv``).

    ``progress`` is called with (bytes read, file size). ``ImportFileError`` when the file cannot be
    read at all or its header is wrong; then nothing was imported.
    """
    rejects_path = rejects_path or path.with_name(path.name + ".rejects.csv")
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror}") from None
    # The file is read synchronously between batches: an import owns its process (the CLI, a benchmark).
    with raw:
        size = path.stat().st_size  # noqa: ASYNC240
        # surrogateescape: a stray byte that is not UTF-8 spoils its own row only, not the whole file.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFileError(f"{path} is empty: the first line must name the columns") from None
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line 1 is not a CSV header: {exc}") from None
        with RejectsFile(rejects_path, header) as rejects:
            report = await import_rows(
                engine,
                header,
                _records(reader),
                hasher,
                rejects.add,
                batch_size=batch_size,
                today=today,
                progress=(lambda _rows: progress(raw.tell(), size)) if progress else None,
                copy=copy,
            )
        report.rejects_path = rejects_path if rejects.count else None
    return report
