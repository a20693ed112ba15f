"""The grievances imported from CPGRAMS: the registration number CPGRAMS gave each one (kept as given,
shown beside seva's number) and the file it came in; an appeal is a row of its own, naming the
registration number it appeals."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

__all__ = ["CpgramsGrievance"]


class CpgramsGrievance(SQLModel, table=True):
    __tablename__ = "cpgrams_grievance"
    __table_args__ = (Index("ix_cpgrams_grievance_reference", "reference"),)

    registration_no: str = Field(primary_key=True, max_length=40)
    reference: str = Field(max_length=40)
    organisation: str = Field(max_length=200)
    received_on: str = Field(max_length=10)
    batch: str = Field(max_length=64)  # SHA-256 of the imported file, so a file imported twice is known
    imported_at: float
    appeal_of: str | None = Field(default=None, max_length=40)  # an appeal: the grievance's own number
    disposed_at: float | None = None  # a grievance appealed: when its first disposal was made
