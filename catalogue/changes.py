"""What changed in a service between two catalogues, in English and Hindi, for auditors.

A service is compared as its *definition*: the service as plain JSON-like data (``definition``), which is
how seva stores what a catalogue said. Working on plain data rather than on ``models.Service`` keeps old
definitions readable after the structs change: a field added later is simply absent from an old one.

``service_changes`` names what an auditor asks about first (fee, time limit, eligibility rules, documents,
designated officer, appellate authorities, form) one change at a time, each with its before and after in
both languages, and sums up every other changed field in one last change.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec

from catalogue.compiled import Catalogue
from catalogue.models import Service, Text

__all__ = [
    "Aspect",
    "Defined",
    "ServiceChange",
    "definition",
    "definition_digest",
    "definitions",
    "rule_expression",
    "service_changes",
]

Aspect = Literal[
    "fee", "time_limit", "rules", "documents", "designated_officer", "appellate_authority", "form", "other"
]
Definition = Mapping[str, Any]

_canonical = msgspec.json.Encoder(order="sorted")

# Fields each given a change of their own; the rest are summed up as "other".
_NAMED = frozenset(
    {
        "fee",
        "guarantee",
        "eligibility",
        "documents",
        "designated_officer",
        "first_appeal",
        "second_appeal",
        "form",
    }
)
# Parts of the guarantee that are the time limit itself (its notification and source count as "other").
_LIMIT = ("covered", "time_limit")


class ServiceChange(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One change: its ``aspect``, what it is (``title``), and the value before and after (None: absent)."""

    aspect: Aspect
    title: Text
    before: Text | None = None
    after: Text | None = None


def definition(service: Service) -> dict[str, Any]:
    """The service as plain data (what its JSON reads back as), the form in which seva keeps it."""
    return msgspec.json.decode(_canonical.encode(service))


def definition_digest(defined: Definition) -> str:
    """SHA-256 of the definition in canonical JSON: equal exactly when nothing in the service changed."""
    return hashlib.sha256(_canonical.encode(defined)).hexdigest()


class Defined(msgspec.Struct, frozen=True):
    """A service's definition as canonical JSON, and that JSON's SHA-256."""

    digest: str
    json: bytes


_defined: weakref.WeakKeyDictionary[Catalogue, dict[str, Defined]] = weakref.WeakKeyDictionary()
_defined_lock = threading.Lock()


def definitions(catalogue: Catalogue) -> Mapping[str, Defined]:
    """Every service's definition in ``catalogue``, by code; worked out once per catalogue."""
    found = _defined.get(catalogue)
    if found is None:
        with _defined_lock:
            found = _defined.get(catalogue)
            if found is None:
                found = {}
                for service in catalogue.services:
                    text = _canonical.encode(definition(service))
                    found[service.code] = Defined(hashlib.sha256(text).hexdigest(), text)
                _defined[catalogue] = found
    return found


def _text(value: Any) -> Text | None:
    if isinstance(value, Mapping) and value.get("en") and value.get("hi"):
        return Text(en=str(value["en"]), hi=str(value["hi"]))
    return None


def _both(en: str, hi: str | None = None) -> Text:
    return Text(en=en, hi=hi if hi is not None else en)


def _rupees(amount: Any) -> str:
    number = float(amount or 0)
    return f"{number:g}" if number != int(number) else str(int(number))


def _fee(fee: Any) -> Text | None:
    if not isinstance(fee, Mapping):
        return None
    amount = fee.get("amount_inr", 0)
    words = _both("free", "निःशुल्क") if not amount else _both(f"Rs {_rupees(amount)}", f"₹{_rupees(amount)}")
    note = _text(fee.get("note"))
    if note is None:
        return words
    return Text(en=f"{words.en} ({note.en})", hi=f"{words.hi} ({note.hi})")


_UNITS = {
    "working_days": ("working days", "कार्य दिवस"),
    "calendar_days": ("days", "दिन"),
}


def _limit(guarantee: Any) -> Text | None:
    if not isinstance(guarantee, Mapping):
        return None
    if not guarantee.get("covered"):
        return _both(
            "not covered by the guarantee Act: no time limit",
            "लोक सेवा गारंटी अधिनियम में शामिल नहीं: कोई समय-सीमा नहीं",
        )
    limit = guarantee.get("time_limit") or {}
    unit = limit.get("unit", "working_days")
    if unit == "same_day":
        return _both("the same day", "उसी दिन")
    en, hi = _UNITS.get(unit, (unit, unit))
    days = limit.get("days")
    return _both(f"{days} {en}", f"{days} {hi}")


def _appeal(appeal: Any) -> Text | None:
    if not isinstance(appeal, Mapping):
        return None
    officer = _text(appeal.get("officer")) or _both("?")
    decide = appeal.get("decide_days")
    within = appeal.get("file_within_days")
    en = f"{officer.en}, decides within {decide} days"
    hi = f"{officer.hi}, {decide} दिन में निर्णय"
    if within:
        en += f"; the citizen files within {within} days"
        hi += f"; नागरिक {within} दिन में अपील करे"
    return Text(en=en, hi=hi)


def rule_expression(rule: Any) -> str:
    """A rule as a short expression (``member.age >= 60``, ``any(...)``), the same in either language."""
    if not isinstance(rule, Mapping):
        return repr(rule)
    for joiner in ("all", "any"):
        if joiner in rule:
            return f"{joiner}({', '.join(rule_expression(part) for part in rule[joiner] or ())})"
    if "not" in rule:
        return f"not({rule_expression(rule['not'])})"
    value = rule.get("value")
    shown = "[" + ", ".join(_value(v) for v in value) + "]" if isinstance(value, list) else _value(value)
    return f"{rule.get('fact')} {rule.get('op')} {shown}"


def _value(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _rule(rule: Any) -> Text:
    expression = rule_expression(rule)
    reason = _text(rule.get("reason")) if isinstance(rule, Mapping) else None
    if reason is None:
        return _both(expression)
    return Text(en=f"{expression}: {reason.en}", hi=f"{expression}: {reason.hi}")


def _rules(before: Sequence[Any], after: Sequence[Any]) -> list[ServiceChange]:
    """Rules kept unchanged are passed over; a rule whose reason stayed but whose condition changed is one
    change (before and after), and the rest are added or removed."""
    title = _both("Eligibility rule", "पात्रता नियम")
    keys_after = [_canonical.encode(rule) for rule in after]
    keys_before = [_canonical.encode(rule) for rule in before]
    gone = [rule for rule, key in zip(before, keys_before, strict=True) if key not in keys_after]
    new = [rule for rule, key in zip(after, keys_after, strict=True) if key not in keys_before]
    changes: list[ServiceChange] = []
    for old in gone:
        reason = old.get("reason") if isinstance(old, Mapping) else None
        twin = next((n for n in new if reason and isinstance(n, Mapping) and n.get("reason") == reason), None)
        if twin is not None:
            new.remove(twin)
            changes.append(ServiceChange(aspect="rules", title=title, before=_rule(old), after=_rule(twin)))
        else:
            changes.append(ServiceChange(aspect="rules", title=title, before=_rule(old)))
    changes.extend(ServiceChange(aspect="rules", title=title, after=_rule(rule)) for rule in new)
    return changes


def _document(need: Mapping[str, Any], names: Mapping[str, Text]) -> Text:
    code = str(need.get("type"))
    name = names.get(code) or _both(code)
    if need.get("required", True):
        return Text(en=f"{name.en} (required)", hi=f"{name.hi} (अनिवार्य)")
    return Text(en=f"{name.en} (optional)", hi=f"{name.hi} (वैकल्पिक)")


def _by(items: Any, key: str) -> dict[str, Mapping[str, Any]]:
    return {str(item.get(key)): item for item in items or () if isinstance(item, Mapping)}


def _documents(before: Any, after: Any, names: Mapping[str, Text]) -> list[ServiceChange]:
    title = _both("Document", "दस्तावेज़")
    old, new = _by(before, "type"), _by(after, "type")
    changes = []
    for code in [*old, *(c for c in new if c not in old)]:
        was, now = old.get(code), new.get(code)
        if was == now:
            continue
        changes.append(
            ServiceChange(
                aspect="documents",
                title=title,
                before=_document(was, names) if was is not None else None,
                after=_document(now, names) if now is not None else None,
            )
        )
    return changes


def _field(spec: Mapping[str, Any]) -> Text:
    label = _text(spec.get("label")) or _both(str(spec.get("name")))
    required = spec.get("required", True)
    return Text(
        en=f"{label.en} ({spec.get('type')}, {'required' if required else 'optional'})",
        hi=f"{label.hi} ({spec.get('type')}, {'अनिवार्य' if required else 'वैकल्पिक'})",
    )


def _form(before: Any, after: Any) -> list[ServiceChange]:
    title = _both("Form field", "फ़ॉर्म का क्षेत्र")
    old, new = _by(before, "name"), _by(after, "name")
    return [
        ServiceChange(
            aspect="form",
            title=title,
            before=_field(old[name]) if name in old else None,
            after=_field(new[name]) if name in new else None,
        )
        for name in [*old, *(n for n in new if n not in old)]
        if old.get(name) != new.get(name)
    ]


def _single(aspect: Aspect, title: Text, before: Text | None, after: Text | None) -> list[ServiceChange]:
    return [] if before == after else [ServiceChange(aspect=aspect, title=title, before=before, after=after)]


def service_changes(
    before: Definition, after: Definition, documents: Mapping[str, Text] | None = None
) -> list[ServiceChange]:
    """What changed from the definition ``before`` to ``after`` (empty: nothing). ``documents`` names the
    document types (code to name); a code without a name is shown as its code."""
    names = documents or {}
    changes: list[ServiceChange] = []
    if before.get("fee") != after.get("fee"):
        changes += _single("fee", _both("Fee", "शुल्क"), _fee(before.get("fee")), _fee(after.get("fee")))
    old_guarantee, new_guarantee = before.get("guarantee") or {}, after.get("guarantee") or {}
    if [old_guarantee.get(k) for k in _LIMIT] != [new_guarantee.get(k) for k in _LIMIT]:
        title = _both("Time limit", "समय-सीमा")
        changes += _single("time_limit", title, _limit(old_guarantee), _limit(new_guarantee))
    changes += _rules(list(before.get("eligibility") or ()), list(after.get("eligibility") or ()))
    changes += _documents(before.get("documents"), after.get("documents"), names)
    changes += _single(
        "designated_officer",
        _both("Designated officer", "पदाभिहित अधिकारी"),
        _text(before.get("designated_officer")),
        _text(after.get("designated_officer")),
    )
    for key, en, hi in (
        ("first_appeal", "First appellate authority", "प्रथम अपीलीय अधिकारी"),
        ("second_appeal", "Second appellate authority", "द्वितीय अपीलीय अधिकारी"),
    ):
        if before.get(key) != after.get(key):
            changes.append(
                ServiceChange(
                    aspect="appellate_authority",
                    title=_both(en, hi),
                    before=_appeal(before.get(key)),
                    after=_appeal(after.get(key)),
                )
            )
    changes += _form(before.get("form"), after.get("form"))
    others = sorted(
        key
        for key in {*before, *after}
        if (key not in _NAMED and before.get(key) != after.get(key))
        or (key == "guarantee" and _rest(old_guarantee) != _rest(new_guarantee))
    )
    if others:
        changes.append(
            ServiceChange(
                aspect="other",
                title=_both("Other parts changed", "अन्य बदले हुए भाग"),
                after=_both(", ".join(others)),
            )
        )
    return changes


def _rest(guarantee: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in guarantee.items() if k not in _LIMIT}
