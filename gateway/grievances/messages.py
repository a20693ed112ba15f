"""The texts a citizen gets about a grievance, each with its registered template ID, read from
``data/templates.yaml`` and checked once: every template has an ID of 19 digits and both languages, and
names no placeholder but ``{number}``, ``{level}`` and ``{due_on}``."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec
import yaml

__all__ = ["TEMPLATES_FILE", "Template", "TemplateInvalid", "Templates", "load_templates"]

TEMPLATES_FILE = Path(__file__).parent / "data" / "templates.yaml"
_PLACES = {"number", "level", "due_on"}
# Every step the service and the watcher queue a text for.
KINDS = (
    "filed", "attended", "replied", "info_requested", "forwarded", "escalated", "resolved", "reopened",
    "closed", "special_closed", "force_notice", "force_closed", "withdrawn", "reminded", "sent_back",
)  # fmt: skip


class Template(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{19}$")]
    en: Annotated[str, msgspec.Meta(min_length=1, max_length=480)]
    hi: Annotated[str, msgspec.Meta(min_length=1, max_length=480)]

    def render(self, language: str, number: str, level: int, due_on: str) -> str:
        text = self.hi if language == "hi" else self.en
        return text.format(number=number, level=level, due_on=due_on)


class TemplateInvalid(ValueError):
    """The templates file cannot be used; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class Templates:
    by_kind: dict[str, Template]

    def __getitem__(self, kind: str) -> Template:
        return self.by_kind[kind]


def load_templates(path: Path = TEMPLATES_FILE) -> Templates:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = msgspec.convert(raw, dict[str, Template])
    except (OSError, yaml.YAMLError, msgspec.ValidationError) as exc:
        raise TemplateInvalid(f"{path}: {exc}") from None
    missing = [k for k in KINDS if k not in found]
    if missing:
        raise TemplateInvalid(f"{path}: no template for {', '.join(missing)}")
    for kind, template in found.items():
        for language in ("en", "hi"):
            names = {f for _, f, _, _ in string.Formatter().parse(getattr(template, language)) if f}
            if names - _PLACES:
                raise TemplateInvalid(f"{path}: {kind}.{language} names {sorted(names - _PLACES)}")
    return Templates(found)
