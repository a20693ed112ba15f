"""Errors of the family registry. None of them ever holds a clear Aadhaar number or a whole mobile number.

RegistryError                 root of everything raised here
├── InvalidValue              a value is malformed; ``field``, ``message`` and ``message_hi`` say how
│   ├── InvalidId             a family ID that is not 8 digits, a member ID that is not 9
│   ├── InvalidAadhaar        not 12 digits, a wrong first digit, or a failing Verhoeff checksum
│   └── InvalidMobile         not an Indian 10-digit mobile number
├── NotRegistered             nothing in the registry has this identifier
│   ├── UnknownFamily
│   ├── UnknownMember
│   └── NoMatch               no member holds this mobile or Aadhaar number
├── AadhaarKeyMismatch        the key differs from the one the stored hashes were made with
└── ImportFileError           a whole file cannot be imported (unreadable, wrong header)
"""

from __future__ import annotations

__all__ = [
    "AadhaarKeyMismatch",
    "ImportFileError",
    "InvalidAadhaar",
    "InvalidId",
    "InvalidMobile",
    "InvalidValue",
    "NoMatch",
    "NotRegistered",
    "RegistryError",
    "UnknownFamily",
    "UnknownMember",
]


class RegistryError(Exception):
    """Root of the registry's errors."""


class InvalidValue(RegistryError, ValueError):
    """``field`` holds a value that cannot be right; the reason is given in English and Hindi."""

    def __init__(self, field: str, message: str, message_hi: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.message_hi = message_hi


class InvalidId(InvalidValue):
    """A family or member ID of the wrong shape."""


class InvalidAadhaar(InvalidValue):
    """An Aadhaar number that UIDAI could not have issued."""


class InvalidMobile(InvalidValue):
    """Not an Indian mobile number."""


class NotRegistered(RegistryError, LookupError):
    """Nothing in the registry answers to this identifier."""


class UnknownFamily(NotRegistered):
    def __init__(self, family_id: str) -> None:
        super().__init__(f"no family has the ID {family_id}")
        self.family_id = family_id


class UnknownMember(NotRegistered):
    def __init__(self, member_id: str) -> None:
        super().__init__(f"no member has the ID {member_id}")
        self.member_id = member_id


class NoMatch(NotRegistered):
    """``kind`` is ``mobile`` or ``aadhaar``; ``shown`` is the masked number, safe to print."""

    def __init__(self, kind: str, shown: str) -> None:
        super().__init__(f"no member is registered with the {kind} number {shown}")
        self.kind = kind
        self.shown = shown


class AadhaarKeyMismatch(RegistryError):
    """The registry's Aadhaar hashes were made with another key: lookups by Aadhaar would find nobody."""


class ImportFileError(RegistryError):
    """The file as a whole cannot be imported; no row of it was read."""
