"""Load ``catalogue.yaml``: decode, validate and cross-check, reporting every problem at once.

Each list item is decoded into its struct on its own, so a wrong type in one service does not hide
the problems of the next; then references between records, what the guarantee Act promises, appellate
chains, languages, sources, form fields and eligibility rules are checked (``catalogue.checks``). A YAML
syntax slip sets its list item aside and the rest is checked too (``catalogue.recovery``). Either a
``Catalogue`` comes back or ``CatalogueInvalid`` with every problem, each with file, line and field path,
and each saying what to write instead (``catalogue.messages``).
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from catalogue.checks import (
    check_guarantee,
    check_inferred,
    check_kind,
    check_officers,
    check_rule_fields,
    check_sources,
    with_appeal_windows,
)
from catalogue.compiled import Catalogue
from catalogue.errors import CatalogueInvalid, CatalogueProblem
from catalogue.messages import explain
from catalogue.models import (
    Adapter,
    Category,
    Department,
    District,
    DocumentType,
    FormField,
    GuaranteeAct,
    NonEmpty,
    RawCatalogue,
    Service,
    Text,
)
from catalogue.patterns import describe_pattern
from catalogue.recovery import read_recovering
from catalogue.registry_held import HELD_PROOFS, HELD_VALUES
from catalogue.rules import CompiledRule, FactScope, compile_rule
from catalogue.yaml_source import LineMap, YamlSyntaxError, read_yaml, read_yaml_fast

__all__ = ["ProblemReporter", "load_catalogue", "parse_catalogue"]

T = TypeVar("T", bound=msgspec.Struct)
_AT = re.compile(r" - at `\$(.*)`$")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(.*)`$")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Fields of earlier catalogue formats, and what replaced them.
_RENAMED = {
    "time_limit_days": "guarantee: {covered: true, time_limit: {days: N, unit: working_days}, source: ...}",
    "lsg_service_no": "guarantee.service_no",
    "days": "decide_days (the appellate authority's days to decide) and, where the Act's window does not "
    "apply, file_within_days (the citizen's days to file)",
}


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check the catalogue at ``path``; raise ``CatalogueInvalid`` listing every problem."""
    path = Path(path)
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise CatalogueInvalid([CatalogueProblem(path.name, 1, "", f"cannot read the file: {exc}")]) from None
    return _parse(source, path.name)


def parse_catalogue(text: str, filename: str = "catalogue.yaml") -> Catalogue:
    """Check the catalogue in ``text``; raise ``CatalogueInvalid`` listing every problem."""
    try:
        source = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only the reference reader can say where
        return _Checker(filename).check(text, b"")
    return _parse(source, filename, text)


def _parse(source: bytes, filename: str, text: str | None = None) -> Catalogue:
    """Check the catalogue in the UTF-8 bytes ``source`` (whose text is ``text``, when known).

    The fast YAML reader gives the data in the common case, straight from the bytes. When it declines
    them, or the data has a problem, the text is read again by the reference reader, which keeps the
    line of every value, and checked again from the start: so problems are always reported as that
    reader finds them.
    """
    with _collector_paused():
        # The data read is dropped when _read returns, before the collector resumes: its dicts and lists
        # would otherwise be counted as new objects and set off a collection walking all of them.
        return _read(source, filename, text)


def _read(source: bytes, filename: str, text: str | None) -> Catalogue:
    fast = read_yaml_fast(source)
    if fast is not None:
        try:
            return _Checker(filename).check_data(fast.data, source)
        except Exception:  # noqa: S110 - a problem: the reference reading below reports it, with its line
            pass
    if text is None:
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = CatalogueProblem(filename, 1, "", f"cannot read the file: {exc}")
            raise CatalogueInvalid([problem]) from None
    return _Checker(filename).check(text, source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while loading: a load makes hundreds of thousands of dicts,
    lists and structs, none in a cycle, and the collections they would set off (a quarter of the load
    at 2,000 services, and more in a process with a large heap) would free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Checker:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines = LineMap()
        self.problems: list[CatalogueProblem] = []
        # Codes of records that failed to decode, by section: references to them are not reported again.
        self.broken: dict[str, set[str]] = {}
        # Items set aside around a YAML syntax slip: nothing more is said about them.
        self.skipped: set[str] = set()

    def report(self, path: str, message: str) -> None:
        if self.skipped and any(path == s or path.startswith((f"{s}.", f"{s}[")) for s in self.skipped):
            return
        self.problems.append(CatalogueProblem(self.filename, self.lines.line_of(path), path, message))

    def check(self, text: str, source: bytes) -> Catalogue:
        try:
            recovered = read_recovering(text, read_yaml)
        except YamlSyntaxError as exc:
            raise CatalogueInvalid([CatalogueProblem(self.filename, exc.line, "", exc.message)]) from None
        slips = [CatalogueProblem(self.filename, line, "", message) for line, message in recovered.slips]
        self.problems.extend(slips)
        if not recovered.parsed:
            raise CatalogueInvalid(self.problems)
        self.lines = recovered.lines
        self.skipped = recovered.skipped_paths()
        for section, codes in recovered.codes.items():
            self.broken.setdefault(section, set()).update(codes)
        return self.check_data(recovered.data, source)

    def check_data(self, data: Any, source: bytes) -> Catalogue:
        """Check ``data`` read from ``source``; ``self.lines`` places problems (none for fast data)."""
        for path, _line in self.lines.duplicates:
            self.report(path, "duplicate key: the later value would silently replace the earlier one")
        raw = self.decode(data, RawCatalogue, "")
        if raw is None:
            raise CatalogueInvalid(self.problems)
        act: GuaranteeAct = raw.guarantee_act
        self.check_text(act.name, "guarantee_act.name")
        check_sources(act.sources, "guarantee_act.sources", self.report)
        for i, name in enumerate(act.inferred):
            if name not in {f.encode_name for f in msgspec.structs.fields(GuaranteeAct)}:
                self.report(f"guarantee_act.inferred[{i}]", f"'{name}' is not a field of guarantee_act")
        self.check_text(raw.state.name, "state.name")

        departments = self.declared(raw.departments, Department, "departments")
        categories = self.declared(raw.categories, Category, "categories")
        document_types = self.declared(raw.document_types, DocumentType, "document_types")
        districts = self.declared(raw.districts, District, "districts")
        adapters = self.declared(raw.adapters, Adapter, "adapters")
        for i, doc in enumerate(raw.document_types):
            issuer = doc.get("issued_by") if isinstance(doc, dict) else None
            if issuer is not None and issuer not in departments and issuer not in self.broken["departments"]:
                self.report(
                    f"document_types[{i}].issued_by", _unknown_code("department", issuer, departments)
                )
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
            service = _converted(item, Service)
            self.check_references(item, path, departments, categories, document_types, adapters)
            raw_rules = item.get("eligibility")
            compiled: tuple[CompiledRule, ...] = ()
            if raw_rules:  # the facts a rule may read are worked out only for a service that has rules
                form = service.form if service is not None else self.readable_form(item.get("form"))
                compiled = self.compile_rules(raw_rules, path, FactScope(district_codes, form))
            if service is None:
                self.decode_service(item, path)  # reports why, field by field
            if service is None or duplicate:
                continue
            service = with_appeal_windows(service, act)
            self.check_texts(service, path)
            check_guarantee(service, path, self.report)
            check_officers(service, path, self.report)
            check_kind(service, path, self.report)
            check_sources(service.sources, f"{path}.sources", self.report)
            check_inferred(service.inferred, f"{path}.inferred", self.report)
            check_rule_fields(service, compiled, path, self.report)
            self.check_also_known_as(service, path)
            self.check_form(service, path)
            services.append(service)
            rules[service.code] = compiled

        synonyms = self.check_synonyms(raw.synonyms)
        if self.problems:
            raise CatalogueInvalid(self.problems)
        return Catalogue(
            source=self.filename,
            digest=hashlib.sha256(source).hexdigest(),
            state=raw.state,
            guarantee_act=act,
            services=tuple(services),
            departments=departments,
            categories=categories,
            document_types=document_types,
            districts=districts,
            adapters=adapters,
            rules=rules,
            synonyms=synonyms,
            text=source,
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
                message += _hint(unknown.group(1), [f.encode_name for f in _fields_at(kind, inner)])
            else:
                message = explain(message, kind, inner)
            self.report(full, message)
            return None

    def decode_service(self, item: dict[str, Any], path: str) -> Service | None:
        """Decode a service; when that fails, decode field by field to report every bad field."""
        service = _converted(item, Service)
        if service is not None:
            return service
        fields = {f.encode_name: f for f in msgspec.structs.fields(Service)}
        for key in item:
            if key not in fields:
                self.report(f"{path}.{key}", f"unknown field '{key}'{_hint(str(key), list(fields))}")
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
                self.report(where, _unknown_code(what, value, declared))

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
            ("guarantee.notification", service.guarantee.notification),
            ("guarantee.note", service.guarantee.note),
            ("designated_officer", service.designated_officer),
            ("first_appeal.officer", service.first_appeal.officer if service.first_appeal else None),
            ("second_appeal.officer", service.second_appeal.officer if service.second_appeal else None),
            ("fee.note", service.fee.note),
            ("audit.objective", service.audit.objective),
            ("audit.fallback", service.audit.fallback),
            ("audit.feedback", service.audit.feedback),
            *((f"steps[{j}]", step) for j, step in enumerate(service.steps)),
        )
        for name, text in texts:
            if text is not None:
                self.check_text(text, f"{path}.{name}")
        for j, form_field in enumerate(service.form):
            self.check_text(form_field.label, f"{path}.form[{j}].label")

    def check_also_known_as(self, service: Service, path: str) -> None:
        """Search names: Latin letters under ``en``, Devanagari under ``hi``, none twice."""
        known = service.also_known_as
        if known is None:
            return
        for language, names in (("en", known.en), ("hi", known.hi)):
            seen: set[str] = set()
            for j, name in enumerate(names):
                where = f"{path}.also_known_as.{language}[{j}]"
                if language == "hi" and not _DEVANAGARI.search(name):
                    self.report(where, "a Hindi name needs Devanagari; Hindi in Latin letters goes under en")
                if language == "en" and _DEVANAGARI.search(name):
                    self.report(where, "a name in Devanagari goes under hi")
                if name.casefold() in seen:
                    self.report(where, f"'{name}' is listed twice")
                seen.add(name.casefold())

    def check_synonyms(self, groups: list[Any]) -> tuple[tuple[str, ...], ...]:
        """Groups of two or more words or phrases; a phrase in two groups would join them: refused."""
        checked: list[tuple[str, ...]] = []
        first_at: dict[str, str] = {}
        for i, item in enumerate(groups):
            path = f"synonyms[{i}]"
            group = self.decode(item, tuple[NonEmpty, ...], path)
            if group is None:
                continue
            if len(group) < 2:
                self.report(path, "a group of synonyms needs at least two words or phrases")
                continue
            for j, phrase in enumerate(group):
                folded = " ".join(phrase.casefold().split())
                if folded in first_at:
                    self.report(f"{path}[{j}]", f"'{phrase}' is already at {first_at[folded]}")
                else:
                    first_at[folded] = f"{path}[{j}]"
            checked.append(group)
        return tuple(checked)

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
                else:
                    self.check_hint(form_field, where)
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

    def check_hint(self, form_field: FormField, where: str) -> None:
        """A citizen is told what a pattern asks for in words: from the catalogue's hint, or from the
        pattern itself when it only bounds the length or counts digits."""
        if form_field.hint is not None:
            self.check_text(form_field.hint, f"{where}.hint")
        elif form_field.pattern is not None and describe_pattern(form_field.pattern) is None:
            self.report(
                f"{where}.pattern",
                "say in words what this pattern asks for: add hint: {en: ..., hi: ...} "
                "(for example 'write the 11-character IFSC code printed in the passbook')",
            )

    @staticmethod
    def readable_form(raw_form: Any) -> list[FormField]:
        """The form fields of a raw service that decode; the others are reported with the service."""
        converted = (_converted(raw, FormField) for raw in (raw_form if isinstance(raw_form, list) else ()))
        return [form_field for form_field in converted if form_field is not None]

    def compile_rules(self, raw_rules: Any, path: str, scope: FactScope) -> tuple[CompiledRule, ...]:
        if not isinstance(raw_rules, list):
            return ()  # a missing or mistyped list is reported when the service is decoded
        compiled: list[CompiledRule] = []
        for j, raw_rule in enumerate(raw_rules):
            rule, problems = compile_rule(raw_rule, scope)
            for problem in problems:
                self.report(f"{path}.eligibility[{j}]{problem.path}", problem.message)
            if rule is not None:
                compiled.append(rule)
        return tuple(compiled)


class ProblemReporter(_Checker):
    """The catalogue's way of reporting, for other files of data (the grievance routing file): ``decode``
    turns msgspec's messages into the catalogue's words at ``path``, ``report`` places a problem on the
    line ``lines`` maps ``path`` to, and ``problems`` collects them all."""


def _converted(data: Any, kind: type[T]) -> T | None:
    """``data`` as a ``kind``, or None when it does not fit (the caller reports why, where it must)."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError:
        return None


def _hint(key: str, known: list[str]) -> str:
    """What to write instead of the unknown field ``key``: its replacement, or the nearest known field."""
    if key in _RENAMED:
        return f"; write {_RENAMED[key]}"
    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


def _unknown_code(what: str, value: str, declared: Iterable[str]) -> str:
    """An unknown code, the nearest declared one and the declared ones, so the author can pick."""
    codes = list(declared)
    message = f"unknown {what} '{value}'"
    near = difflib.get_close_matches(value, codes, n=1, cutoff=0.6)
    if near:
        message += f"; did you mean '{near[0]}'?"
    if len(codes) <= 60:
        plural = f"{what[:-1]}ies" if what.endswith("y") else f"{what}s"
        message += f"; the {plural} declared: {', '.join(codes)}"
    return message


def _fields_at(kind: Any, path: str) -> list[Any]:
    """The fields of the struct at ``path`` inside the type ``kind`` (for "did you mean")."""
    info: Any = msgspec.inspect.type_info(kind)
    for part in re.findall(r"\.([^.\[]+)|\[\d+\]", path):
        while isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)), None)
        if part and isinstance(info, msgspec.inspect.StructType):
            info = next((f.type for f in info.fields if f.encode_name == part), None)
        elif not part and isinstance(info, msgspec.inspect.CollectionType):
            info = info.item_type
        else:
            return []
    while isinstance(info, msgspec.inspect.UnionType):
        info = next((t for t in info.types if isinstance(t, msgspec.inspect.StructType)), None)
    return list(info.fields) if isinstance(info, msgspec.inspect.StructType) else []
