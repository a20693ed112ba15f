"""What a citizen may type to sign in: a mobile number or a 9-digit member ID, checked by the registry's
own rules (``family_registry.mobile``, ``family_registry.ids``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from family_registry.errors import InvalidValue
from family_registry.ids import check_member_id
from family_registry.mobile import check_mobile
from gateway.identity.errors import LoginInvalid

__all__ = ["Login", "LoginInvalid", "parse_login"]


@dataclass(frozen=True, slots=True)
class Login:
    kind: Literal["mobile", "member_id"]
    value: str


def parse_login(text: str) -> Login:
    """Accepts ``98765 43210``, ``+91-9876543210``, ``09876543210`` and ``123456789``."""
    compact = text.strip()
    try:
        return Login("mobile", check_mobile(compact))
    except InvalidValue:
        pass
    try:
        return Login("member_id", check_member_id(compact.replace(" ", "")))
    except InvalidValue:
        raise LoginInvalid() from None
