"""The shape of the gateway, checked: capability folders keep to their own and the platform's modules,
no two capabilities import each other in a circle, and every error states a code that the application
knows, with one status and one pair of titles."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import gateway
from gateway.platform.problems import SevaError

GATEWAY = Path(gateway.__file__).resolve().parent
# Not capabilities: the platform below them, and the root above them that builds and serves them.
PLATFORM = {"platform", "settings", "database"}
ROOT = {"app", "bootstrap", "cli", "commands", "migrations"}
CAPABILITIES = sorted(
    p.name
    for p in GATEWAY.iterdir()
    if p.is_dir() and (p / "__init__.py").exists() and p.name not in PLATFORM | ROOT
)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every absolute import of a ``gateway`` module in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "gateway" or name.startswith("gateway."):
                yield node.lineno, name


def _capability_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in CAPABILITIES else None


def _edges() -> dict[str, set[str]]:
    """Which capabilities each capability (and the platform, as ``platform``) imports."""
    edges: dict[str, set[str]] = {}
    for folder in [*CAPABILITIES, "platform"]:
        for path in (GATEWAY / folder).rglob("*.py"):
            for _, module in _imports(path):
                other = _capability_of(module)
                if other is not None and other != folder:
                    edges.setdefault(folder, set()).add(other)
    return edges


def test_the_capabilities_are_found() -> None:
    """The test sees the folders it is about (a rename must not make it pass by finding nothing)."""
    assert {"applications", "audit", "documents", "families", "identity", "services"} <= set(CAPABILITIES)


@pytest.mark.parametrize("folder", [*CAPABILITIES, "platform"])
def test_a_folder_uses_other_capabilities_only_through_their_package(folder: str) -> None:
    """A capability imports the platform, its own modules and other capabilities' public interfaces (their
    package, ``gateway.documents``), never another's modules (``gateway.documents.tables``)."""
    wrong = []
    for path in sorted((GATEWAY / folder).rglob("*.py")):
        for line, module in _imports(path):
            other = _capability_of(module)
            if other is not None and other != folder and module != f"gateway.{other}":
                wrong.append(f"{path.relative_to(GATEWAY.parent)}:{line} imports {module}")
            if module.split(".")[1:2] and module.split(".")[1] in ROOT:
                wrong.append(f"{path.relative_to(GATEWAY.parent)}:{line} imports the root ({module})")
    assert wrong == []


def test_the_platform_stands_below_every_capability_but_the_audit_trail() -> None:
    """The platform builds the audit trail for everyone; it needs no other capability."""
    assert _edges().get("platform", set()) <= {"audit"}


def test_no_two_capabilities_import_each_other_in_a_circle() -> None:
    """The capabilities' imports form no cycle, so each can be built and tested after those it needs."""
    edges = _edges()
    edges.pop("platform", None)
    state: dict[str, str] = {}
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if nxt == "audit":  # the platform's trail: below every capability, see the test above
                continue
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def _all_errors() -> set[type[SevaError]]:
    for module in pkgutil.walk_packages([str(GATEWAY)], "gateway."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: set[type[SevaError]] = set()
    todo: list[type[SevaError]] = [SevaError]
    while todo:
        kind = todo.pop()
        for sub in kind.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_each_code_has_one_status_and_one_pair_of_titles() -> None:
    """A code means one thing: every error class stating it states the same status and titles."""
    by_code: dict[str, set[tuple[int, str, str]]] = {}
    for kind in _all_errors():
        if "code" not in vars(kind):
            continue  # an abstract base (SignInRefused): its subclasses state their codes
        by_code.setdefault(kind.code, set()).add((kind.status, kind.title.en, kind.title.hi))
    assert {code: meanings for code, meanings in by_code.items() if len(meanings) > 1} == {}


def test_every_error_a_capability_can_raise_is_declared_and_bilingual(tmp_path: Path) -> None:
    """Each error class is declared by a capability of the application (or is the platform's own), so the
    application, its OpenAPI document and its clients know every code; each title is in both languages."""
    from gateway.app import create_app
    from tests.building import test_settings

    app = create_app(test_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"))
    declared = {error for capability in app.state.seva.capabilities() for error in capability.errors}
    platform = {kind for kind in _all_errors() if kind.__module__.startswith("gateway.platform.")}
    undeclared = sorted(
        f"{kind.__module__}.{kind.__qualname__} ({kind.code})"
        for kind in _all_errors() - declared - platform
        if not kind.__name__.startswith("_") and kind.__subclasses__() == []
    )
    assert undeclared == []
    for kind in _all_errors():
        assert kind.title.en and kind.title.hi and kind.title.en != kind.title.hi, kind
        assert any("\u0900" <= ch <= "\u097f" for ch in kind.title.hi), f"{kind.code}: Hindi title"


def test_the_seva_command_loads_no_command_until_it_runs() -> None:
    """``seva --help`` imports neither the application nor Litestar (it took seconds when it did)."""
    import subprocess
    import sys

    probe = "import sys, gateway.cli; print([m for m in sys.modules if m[:8] in ('litestar', 'gateway.')])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "litestar" not in loaded and "gateway.app" not in loaded, loaded


def test_a_deployment_adds_its_own_notifier_through_the_root(tmp_path: Path) -> None:
    """A notifier registered on the ``Extensions`` given to ``create_app`` sends the sign-in codes; the
    built-in kinds of a fresh root do not know it (no module-global registry)."""
    from litestar.testing import TestClient

    from gateway.app import create_app
    from gateway.bootstrap import Extensions
    from gateway.notifications import NotifierKinds, TextMessage
    from tests.building import test_settings
    from tests.identity.support import seed_families

    sent: list[TextMessage] = []

    class Pigeon:
        async def send(self, message: TextMessage) -> None:
            sent.append(message)

    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    extensions = Extensions()
    extensions.notifiers.register("pigeon", lambda deps: Pigeon())
    app = create_app(test_settings(tmp_path, url, notifier="pigeon"), extensions=extensions)
    with TestClient(app) as client:
        seed_families(url)
        assert client.post("/api/v1/auth/otp", json={"login": "9876500001"}).status_code == 202
    assert [(m.mobile, m.purpose) for m in sent] == [("9876500001", "otp")]
    assert "pigeon" not in NotifierKinds().names()
