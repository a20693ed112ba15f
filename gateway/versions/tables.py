"""Tables of the catalogue's history: every catalogue version served, and each service as it defined it.

``catalogue_version`` keeps the file's own bytes (zlib-compressed when large: the shipped file of 0.9 MB
keeps in 130 kB). ``service_definition`` keeps each distinct definition of a service once, by the
SHA-256 of its canonical JSON, so a version that changes one service adds one definition;
``catalogue_version_service`` says which definition each version held. Rows are only ever added, each
keyed by a digest, so any number of processes may record the same version at once.
"""

from __future__ import annotations

from sqlalchemy import Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

__all__ = ["CatalogueVersion", "CatalogueVersionService", "ServiceDefinition"]


class CatalogueVersion(SQLModel, table=True):
    """A catalogue some process served: first seen at ``first_served_at`` (epoch seconds)."""

    __tablename__ = "catalogue_version"

    digest: str = Field(primary_key=True, max_length=64)  # SHA-256 of the file's bytes
    first_served_at: float = Field(index=True)
    size_bytes: int
    services: int
    encoding: str = Field(max_length=8)  # "zlib" or "plain": how ``content`` holds the file's bytes
    content: bytes = Field(sa_type=LargeBinary)


class ServiceDefinition(SQLModel, table=True):
    """One definition of a service (canonical JSON), by its SHA-256."""

    __tablename__ = "service_definition"

    digest: str = Field(primary_key=True, max_length=64)
    service_code: str = Field(max_length=80)
    definition: str = Field(sa_type=Text)


class CatalogueVersionService(SQLModel, table=True):
    """Which definition of a service a catalogue version held."""

    __tablename__ = "catalogue_version_service"
    __table_args__ = (Index("ix_catalogue_version_service_code", "service_code"),)

    catalogue_digest: str = Field(primary_key=True, max_length=64)
    service_code: str = Field(primary_key=True, max_length=80)
    definition_digest: str = Field(max_length=64)
