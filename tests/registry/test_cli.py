"""``seva registry import|export|synth|demo`` and ``seva db upgrade`` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.registry.support import AADHAAR, KEY, family_rows, member_row, write_csv


def seva(
    db_url: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SEVA_DATABASE_URL": db_url,
        "SEVA_DATA_DIR": str(tmp_path / "data"),
        "SEVA_AADHAAR_KEY": KEY,
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_synth_import_reimport_export(db_url: str, tmp_path: Path) -> None:
    """The whole round: a synthetic file, imported, imported again, exported and imported once more."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    made = seva(
        db_url, tmp_path, "registry", "synth", "--families", "150", "--seed", "9", "--out", str(first)
    )
    assert made.returncode == 0, made.stderr
    assert "150 families" in made.stdout
    seva(db_url, tmp_path, "registry", "synth", "--families", "150", "--seed", "9", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()

    imported = seva(db_url, tmp_path, "registry", "import", str(first))
    assert imported.returncode == 0, imported.stderr + imported.stdout
    assert "150 families added" in imported.stdout and "0 rejected" in imported.stdout
    again = seva(db_url, tmp_path, "registry", "import", str(first))
    assert again.returncode == 0 and "0 members added" in again.stdout and "0 families added" in again.stdout

    exported = tmp_path / "export.csv"
    out = seva(db_url, tmp_path, "registry", "export", str(exported))
    assert out.returncode == 0, out.stderr
    members = len(first.read_text(encoding="utf-8").splitlines()) - 1
    assert f"{members:,} members written" in out.stdout
    assert len(exported.read_text(encoding="utf-8").splitlines()) - 1 == members
    back = seva(db_url, tmp_path, "registry", "import", str(exported))
    assert back.returncode == 0 and f"{members:,} unchanged" in back.stdout


def test_rejected_rows_give_exit_1_and_a_rejects_file(db_url: str, tmp_path: Path) -> None:
    rows = [
        *family_rows(),
        member_row(family_id="20000002", member_id="200000021", aadhaar=AADHAAR["bad_checksum"]),
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()
    done = seva(db_url, tmp_path, "registry", "import", str(path), "--rejects", str(rejects))
    assert done.returncode == 1
    assert "4 accepted" in done.stdout and "1 rejected" in done.stdout and str(rejects) in done.stdout
    assert "Verhoeff" in rejects.read_text(encoding="utf-8")
    for stream in (done.stdout, done.stderr):
        assert AADHAAR["bad_checksum"] not in stream


def test_a_file_that_cannot_be_imported_gives_exit_2(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name,age\nRamesh,60\n", encoding="utf-8")
    done = seva(db_url, tmp_path, "registry", "import", str(path))
    assert done.returncode == 2 and "missing columns" in done.stderr


def test_demo_loads_only_into_an_empty_registry(db_url: str, tmp_path: Path) -> None:
    """`make run` runs `seva registry demo` every time: the second run changes nothing."""
    first = seva(db_url, tmp_path, "registry", "demo", "--families", "120")
    assert first.returncode == 0, first.stderr
    assert "120 families added" in first.stdout
    second = seva(db_url, tmp_path, "registry", "demo", "--families", "120")
    assert second.returncode == 0 and "already holds 120 families" in second.stdout
    refused = seva(db_url, tmp_path, "registry", "synth", "--families", "5", "--seed", "1")
    assert refused.returncode == 1 and "already holds" in refused.stdout


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    first = seva(url, tmp_path, "db", "upgrade")
    assert first.returncode == 0 and "upgraded base ->" in first.stdout, first.stderr
    second = seva(url, tmp_path, "db", "upgrade")
    assert second.returncode == 0 and "already at" in second.stdout


def test_the_key_file_is_private_and_reused(tmp_path: Path) -> None:
    """Without SEVA_AADHAAR_KEY a key is made once into the data folder, readable by its owner only."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    env = {**os.environ, "SEVA_DATABASE_URL": url, "SEVA_DATA_DIR": str(tmp_path / "data")}
    env.pop("SEVA_AADHAAR_KEY", None)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "registry", "demo", "--families", "3"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    key = tmp_path / "data" / "aadhaar.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes().strip()) == 64


def another_states_catalogue(tmp_path: Path, state: str = "kl", drop: tuple[str, ...] = ()) -> Path:
    """The shipped catalogue as if it were of another state, or with districts left out."""
    text = (ROOT / "catalogue.yaml").read_text(encoding="utf-8")
    mp = "state:\n  code: mp\n  name: {en: Madhya Pradesh, hi: मध्यप्रदेश}"
    assert mp in text
    text = text.replace(mp, f"state:\n  code: {state}\n  name: {{en: Kerala, hi: केरल}}")
    for district in drop:
        start = text.index(f"  - code: {district}\n")
        end = text.index("  - code: ", start + 1)
        text = text[:start] + text[end:]
    path = tmp_path / "other.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_refuses_another_states_catalogue(db_url: str, tmp_path: Path) -> None:
    """Beside another state's catalogue the demo refuses, saying how to go on; --force loads it anyway."""
    env = {"SEVA_CATALOGUE": str(another_states_catalogue(tmp_path))}
    refused = seva(db_url, tmp_path, "registry", "demo", "--families", "20", env=env)
    assert refused.returncode == 2
    assert "families of Madhya Pradesh (state 'mp')" in refused.stderr
    assert "is for Kerala (state 'kl')" in refused.stderr
    assert "seva registry import FILE" in refused.stderr and "--force" in refused.stderr
    assert refused.stdout == ""
    forced = seva(db_url, tmp_path, "registry", "demo", "--families", "20", "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert "20 families added" in forced.stdout and "warning (--force)" in forced.stderr


def test_demo_warns_of_districts_missing_from_the_catalogue(db_url: str, tmp_path: Path) -> None:
    """Same state, districts missing: the demo loads, and names them."""
    env = {"SEVA_CATALOGUE": str(another_states_catalogue(tmp_path, state="mp", drop=("niwari", "maihar")))}
    loaded = seva(db_url, tmp_path, "registry", "demo", "--families", "20", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "2 districts of the demo families are not in the catalogue" in loaded.stderr
    assert "(maihar, niwari)" in loaded.stderr


def test_demo_with_a_broken_catalogue_says_how_to_see_why(db_url: str, tmp_path: Path) -> None:
    """A catalogue that does not load: exit 2, pointing at `seva catalogue check`."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\n", encoding="utf-8")
    result = seva(db_url, tmp_path, "registry", "demo", env={"SEVA_CATALOGUE": str(broken)})
    assert result.returncode == 2
    assert f"seva catalogue check {broken}" in result.stderr
