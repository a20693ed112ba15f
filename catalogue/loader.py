"""Load ``catalogue.yaml``: decode, validate and cross-check, reporting every problem at once.

Each list item is decoded into its struct on its own, so a wrong type in one service does not hide
the problems of the next; then references between records, appellate chains, languages, form fields
and eligibility rules are checked. Either a ``Catalogue`` comes back or ``CatalogueInvalid`` with every
problem, each with file, line and field path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from catalogue.compiled import Catalogue
from catalogue.errors import CatalogueInvalid, CatalogueProblem
from catalogue.models import (
    Adapter,
    Category,
    Department,
    District,
    DocumentType,
    FormField,
    RawCatalogue,
    Service,
    Text,
)
from catalogue.registry_held import HELD_PROOFS, HELD_VALUES
from catalogue.rules import CompiledRule, compile_rule
from catalogue.yaml_source import LineMap, YamlSyntaxError, read_yaml

__all__ = ["load_catalogue", "parse_catalogue"]

T = TypeVar("T", bound=msgspec.Struct)
_AT = re.compile(r" - at `\$(.*)`$")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(.*)`$")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check the catalogue at ``path``; raise ``CatalogueInvalid`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueInvalid([CatalogueProblem(path.name, 1, "", f"cannot read the file: {exc}")]) from None
    return parse_catalogue(text, path.name)


def parse_catalogue(text: str, filename: str = "catalogue.yaml") -> Catalogue:
    return _Checker(filename).check(text)


class _Checker:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines = LineMap()
        self.problems: list[CatalogueProblem] = []
        # Codes of records that failed to decode, by section: references to them are not reported again.
        self.broken: dict[str, set[str]] = {}

    def report(self, path: str, message: str) -> None:
        self.problems.append(CatalogueProblem(self.filename, self.lines.line_of(path), path, message))

    def check(self, text: str) -> Catalogue:
        try:
            data, self.lines = read_yaml(text)
        except YamlSyntaxError as exc:
            raise CatalogueInvalid([CatalogueProblem(self.filename, exc.line, "", exc.message)]) from None
        for path, _line in self.lines.duplicates:
            self.report(path, "duplicate key: the later value would silently replace the earlier one")
        raw = self.decode(data, RawCatalogue, "")
        if raw is None:
            raise CatalogueInvalid(self.problems)

        departments = self.declared(raw.departments, Department, "departments")
        categories = self.declared(raw.categories, Category, "categories")
        document_types = self.declared(raw.document_types, DocumentType, "document_types")
        districts = self.declared(raw.districts, District, "districts")
        adapters = self.declared(raw.adapters, Adapter, "adapters")
        for i, doc in enumerate(raw.document_types):
            issuer = doc.get("issued_by") if isinstance(doc, dict) else None
            if issuer is not None and issuer not in departments and issuer not in self.broken["departments"]:
                self.report(f"document_types[{i}].issued_by", f"unknown department '{issuer}'")
        for i, doc_type in enumerate(document_types.values()):
            proof = doc_type.from_registry
            if proof is not None and proof not in HELD_PROOFS:
                known = ", ".join(HELD_PROOFS)
                self.report(
                    f"document_types[{i}].from_registry",
                    f"the registry holds no proof '{proof}'; use one of: {known}",
                )

        services: list[Service] = []
        rules: dict[str, tuple[CompiledRule, ...]] = {}
        seen: dict[str, str] = {}
        district_codes = frozenset(districts) | self.broken["districts"]
        for i, item in enumerate(raw.services):
            path = f"services[{i}]"
            if not isinstance(item, dict):
                self.report(path, "a service must be a mapping")
                continue
            # Codes, references and rules are checked on the raw item, so they are reported even when
            # another field of the same service (or of the first service with the code) has the wrong type.
            code = item.get("code")
            duplicate = isinstance(code, str) and code in seen
            if isinstance(code, str) and code in seen:
                self.report(f"{path}.code", f"duplicate service code '{code}' (first at {seen[code]})")
            elif isinstance(code, str):
                seen[code] = path
            self.check_references(item, path, departments, categories, document_types, adapters)
            compiled = self.compile_rules(item.get("eligibility"), path, district_codes)
            service = self.decode_service(item, path)
            if service is None or duplicate:
                continue
            self.check_texts(service, path)
            self.check_appeals(service, path)
            self.check_form(service, path)
            services.append(service)
            rules[service.code] = compiled

        if self.problems:
            raise CatalogueInvalid(self.problems)
        return Catalogue(
            source=self.filename,
            digest=hashlib.sha256(text.encode()).hexdigest(),
            services=tuple(services),
            departments=departments,
            categories=categories,
            document_types=document_types,
            districts=districts,
            adapters=adapters,
            rules=rules,
        )

    def decode(self, data: Any, kind: Any, path: str) -> Any:
        try:
            return msgspec.convert(data, kind)
        except msgspec.ValidationError as exc:
            message = str(exc)
            match = _AT.search(message)
            inner = match.group(1) if match else ""
            if match:
                message = message[: match.start()]
            full = f"{path}{inner}" if path else inner.lstrip(".")
            unknown = _UNKNOWN_FIELD.match(message)
            if unknown:  # point at the unknown key itself, not at the mapping that holds it
                full = f"{full}.{unknown.group(1)}" if full else unknown.group(1)
                message = f"unknown field '{unknown.group(1)}'"
            self.report(full, message)
            return None

    def decode_service(self, item: dict[str, Any], path: str) -> Service | None:
        """Decode a service; when that fails, decode field by field to report every bad field."""
        try:
            return msgspec.convert(item, Service)
        except msgspec.ValidationError:
            pass
        fields = {f.encode_name: f for f in msgspec.structs.fields(Service)}
        for key in item:
            if key not in fields:
                self.report(f"{path}.{key}", f"unknown field '{key}'")
        for name, info in fields.items():
            if name in item:
                self.decode(item[name], info.type, f"{path}.{name}")
            elif info.required:
                self.report(path, f"missing required field '{name}'")
        return None

    def declared(self, items: list[Any], kind: type[T], section: str) -> dict[str, T]:
        result: dict[str, T] = {}
        broken = self.broken.setdefault(section, set())
        for i, item in enumerate(items):
            record = self.decode(item, kind, f"{section}[{i}]")
            if record is None:
                code = item.get("code") if isinstance(item, dict) else None
                if isinstance(code, str):
                    broken.add(code)
                continue
            code = record.code
            if code in result:
                self.report(f"{section}[{i}].code", f"duplicate code '{code}' in {section}")
                continue
            result[code] = record
            text_field = "description" if isinstance(record, Adapter) else "name"
            self.check_text(getattr(record, text_field), f"{section}[{i}].{text_field}")
        return result

    def check_references(
        self,
        item: dict[str, Any],
        path: str,
        departments: dict[str, Department],
        categories: dict[str, Category],
        document_types: dict[str, DocumentType],
        adapters: dict[str, Adapter],
    ) -> None:
        def check(value: Any, declared: dict[str, Any], where: str, what: str, section: str) -> None:
            if isinstance(value, str) and value not in declared and value not in self.broken[section]:
                self.report(where, f"unknown {what} '{value}'")

        check(item.get("department"), departments, f"{path}.department", "department", "departments")
        check(item.get("category"), categories, f"{path}.category", "category", "categories")
        delivery = item.get("delivery")
        if isinstance(delivery, dict):
            check(delivery.get("adapter"), adapters, f"{path}.delivery.adapter", "adapter", "adapters")
        seen: set[str] = set()
        documents = item.get("documents")
        for j, doc in enumerate(documents if isinstance(documents, list) else []):
            doc_type = doc.get("type") if isinstance(doc, dict) else None
            if not isinstance(doc_type, str):
                continue
            check(doc_type, document_types, f"{path}.documents[{j}].type", "document type", "document_types")
            if doc_type in seen:
                self.report(f"{path}.documents[{j}].type", f"document type '{doc_type}' listed twice")
            seen.add(doc_type)
        channels = item.get("channels")
        if isinstance(channels, list):
            if not channels:
                self.report(f"{path}.channels", "at least one channel is needed")
            elif len({str(c) for c in channels}) != len(channels):
                self.report(f"{path}.channels", "a channel is listed twice")

    def check_text(self, text: Text, path: str) -> None:
        if not _DEVANAGARI.search(text.hi):
            self.report(f"{path}.hi", "the Hindi text has no Devanagari letters")

    def check_texts(self, service: Service, path: str) -> None:
        texts: Iterable[tuple[str, Text | None]] = (
            ("name", service.name),
            ("description", service.description),
            ("designated_officer", service.designated_officer),
            ("first_appeal.officer", service.first_appeal.officer),
            ("second_appeal.officer", service.second_appeal.officer),
            ("fee.note", service.fee.note),
            ("audit.objective", service.audit.objective),
            ("audit.fallback", service.audit.fallback),
            ("audit.feedback", service.audit.feedback),
        )
        for name, text in texts:
            if text is not None:
                self.check_text(text, f"{path}.{name}")
        for j, form_field in enumerate(service.form):
            self.check_text(form_field.label, f"{path}.form[{j}].label")

    def check_appeals(self, service: Service, path: str) -> None:
        officer = service.designated_officer.en.casefold()
        first = service.first_appeal.officer.en.casefold()
        second = service.second_appeal.officer.en.casefold()
        if first == officer:
            self.report(
                f"{path}.first_appeal.officer", "the first appellate authority is the designated officer"
            )
        if second in (officer, first):
            self.report(
                f"{path}.second_appeal.officer", "the second appellate authority repeats an earlier level"
            )

    def check_form(self, service: Service, path: str) -> None:
        names: set[str] = set()
        for j, form_field in enumerate(service.form):
            where = f"{path}.form[{j}]"
            if form_field.name in names:
                self.report(f"{where}.name", f"field name '{form_field.name}' used twice")
            names.add(form_field.name)
            if form_field.type == "choice":
                if not form_field.choices:
                    self.report(f"{where}.choices", "a choice field needs choices")
                elif len({c.value for c in form_field.choices}) != len(form_field.choices):
                    self.report(f"{where}.choices", "a choice value is listed twice")
            elif form_field.choices is not None:
                self.report(f"{where}.choices", f"only choice fields take choices, not {form_field.type}")
            if form_field.pattern is not None:
                if form_field.type != "text":
                    self.report(f"{where}.pattern", f"only text fields take a pattern, not {form_field.type}")
                try:
                    re.compile(form_field.pattern)
                except re.error as exc:
                    self.report(f"{where}.pattern", f"invalid regular expression: {exc}")
            if (form_field.min is not None or form_field.max is not None) and form_field.type != "number":
                self.report(f"{where}", f"only number fields take min and max, not {form_field.type}")
            if form_field.min is not None and form_field.max is not None and form_field.min > form_field.max:
                self.report(f"{where}.min", "min is above max")
            if form_field.from_registry is not None:
                self.check_registry_field(form_field, f"{where}.from_registry")

    def check_registry_field(self, form_field: FormField, where: str) -> None:
        """A field filled from the registry names a value it holds, of a kind the field can take."""
        held = HELD_VALUES.get(form_field.from_registry or "")
        if held is None:
            known = ", ".join(HELD_VALUES)
            self.report(
                where, f"the registry holds no value '{form_field.from_registry}'; use one of: {known}"
            )
            return
        if form_field.type not in held.field_types:
            kinds = " or ".join(sorted(held.field_types))
            self.report(where, f"{held.name} fills a {kinds} field, not a {form_field.type} field")
        elif held.values and not {c.value for c in form_field.choices or ()} & set(held.values):
            self.report(
                where, f"none of the choices is a value {held.name} can take ({', '.join(held.values)})"
            )

    def compile_rules(self, raw_rules: Any, path: str, districts: frozenset[str]) -> tuple[CompiledRule, ...]:
        if not isinstance(raw_rules, list):
            return ()  # a missing or mistyped list is reported when the service is decoded
        compiled: list[CompiledRule] = []
        for j, raw_rule in enumerate(raw_rules):
            rule, problems = compile_rule(raw_rule, districts)
            for problem in problems:
                self.report(f"{path}.eligibility[{j}]{problem.path}", problem.message)
            if rule is not None:
                compiled.append(rule)
        return tuple(compiled)
