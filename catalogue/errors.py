"""Errors of the catalogue package.

CatalogueError                  root of everything raised here
├── CatalogueInvalid            the file could not be loaded; ``problems`` lists every problem found
└── UnknownService              a service code that the catalogue does not hold
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CatalogueError", "CatalogueInvalid", "CatalogueProblem", "UnknownService"]


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One problem in a catalogue file: where it is and what is wrong."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


class CatalogueError(Exception):
    """Root of the catalogue's errors."""


class CatalogueInvalid(CatalogueError):
    """The catalogue has problems; all of them are listed, in file order."""

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.path))
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the catalogue:\n"
            + "\n".join(str(p) for p in self.problems)
        )


class UnknownService(CatalogueError, KeyError):
    """No service has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"unknown service '{self.code}'"
