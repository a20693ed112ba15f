"""Signing keys and the server secret: made once, safely, when several processes start together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.identity.keys import KeyRing
from gateway.platform.server_secret import load_server_secret
from gateway.settings import Settings
from tests.conftest import PATIENCE, ROOT

_START = (
    "import sys\n"
    "from gateway.identity.keys import KeyRing\n"
    "from gateway.platform.server_secret import load_server_secret\n"
    "from gateway.settings import Settings\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"  # start together: the test says go once every process is ready
    "settings = Settings.from_env({'SEVA_DATA_DIR': sys.argv[1]})\n"
    "print(KeyRing.open(settings.keys_path).current().kid, load_server_secret(settings).decode())\n"
)


def test_processes_starting_together_agree_on_one_key_and_one_secret(tmp_path: Path) -> None:
    """Eight processes starting at the same instant end with one signing key and one server secret."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _START, str(tmp_path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    try:
        # Each has imported what it needs (seconds on a loaded machine): only the making of the key and
        # the secret is left, which all eight now begin together.
        assert [p.stdout.readline().strip() for p in processes if p.stdout] == ["ready"] * 8
        for process in processes:
            assert process.stdin
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = {p.communicate(timeout=PATIENCE)[0].strip() for p in processes}
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert [p.returncode for p in processes] == [0] * 8
    assert len(outputs) == 1
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["0001.pem"]
    assert ((tmp_path / "secret.key").stat().st_mode & 0o777) == 0o600


def test_the_configured_secret_wins_over_the_file(tmp_path: Path) -> None:
    """SEVA_SECRET_KEY is used as given, and no file is made."""
    settings = Settings.from_env({"SEVA_DATA_DIR": str(tmp_path), "SEVA_SECRET_KEY": "z" * 40})
    assert load_server_secret(settings) == b"z" * 40
    assert not (tmp_path / "secret.key").exists()


def test_keys_command_rotates_lists_and_prunes(tmp_path: Path) -> None:
    """`seva keys rotate` adds a signing key; `list` marks it; `prune --older-than 0` leaves only it; each
    change is in the audit trail."""
    env = {"SEVA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def seva(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "keys", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=True,
        )
        return done.stdout

    first = seva("rotate")
    second = seva("rotate")
    listed = seva("list")
    pruned = seva("prune", "--older-than", "0")
    ring = KeyRing.open(tmp_path / "keys")
    sealed = subprocess.run(  # the entries wait for a sealer; no server runs here, so seal them now
        [sys.executable, "-m", "gateway.cli", "audit", "seal"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=True,
    ).stdout
    verified = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=True,
    ).stdout
    assert "0001" in first and "0002" in second
    assert sealed.strip() == "sealed 3 entries"
    assert verified.startswith("OK: 3 entries")  # two rotations and a prune, in the audit trail
    assert "0001" in listed and listed.strip().endswith("signing")
    assert "Removed 1 key" in pruned and [k.number for k in ring.all()] == [2]
