"""``seva catalogue check`` and ``seva catalogue search``, run as the user runs them: as processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalogue.samples import Data, dump, line_of, mini_catalogue
from tests.conftest import CATALOGUE, PATIENCE, ROOT


def seva(*args: str, cwd: Path = ROOT, catalogue: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``seva ARGS``; ``SEVA_CATALOGUE`` is set to ``catalogue`` or removed."""
    env = {key: value for key, value in os.environ.items() if key != "SEVA_CATALOGUE"}
    if catalogue is not None:
        env["SEVA_CATALOGUE"] = str(catalogue)
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=PATIENCE,
        check=False,
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(dump(mini_catalogue()), encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    data: Data = mini_catalogue()
    data["services"][0]["department"] = "railways"
    data["services"][2]["eligibility"][0]["any"][1]["fact"] = "member.salary"
    path = tmp_path / "bad.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


class TestCheck:
    """``seva catalogue check`` exits 0 with a summary, or 1 listing every problem."""

    def test_valid_file(self, good: Path) -> None:
        """A valid file: exit 0, services per department, and the digest."""
        result = seva("catalogue", "check", str(good))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert "3 services in 2 departments" in result.stdout
        assert re.search(r"│ revenue\s+│ Revenue Department\s+│\s+2 │", result.stdout)
        assert re.search(r"│ social_justice\s+│ Social Justice Department\s+│\s+1 │", result.stdout)
        assert re.search(r"^OK: 3 services, digest [0-9a-f]{12}$", result.stdout, re.MULTILINE)

    def test_invalid_file_lists_every_problem(self, bad: Path) -> None:
        """An invalid file: exit 1, each problem as ``file:line path: message``, then a count; no summary."""
        result = seva("catalogue", "check", str(bad))
        assert result.returncode == 1
        assert result.stdout == ""
        text = bad.read_text(encoding="utf-8")
        lines = result.stderr.splitlines()
        assert lines[0] == (
            f"bad.yaml:{line_of(text, 'department: railways')} services[0].department: "
            "unknown department 'railways'; the departments declared: revenue, social_justice"
        )
        assert lines[1].startswith(
            f"bad.yaml:{line_of(text, 'fact: member.salary')} services[2].eligibility[0].any[1].fact: "
            "unknown fact 'member.salary'; the facts are: member.age, "
        )
        assert lines[2:] == [f"{bad}: 2 problems; the catalogue was not loaded."]

    def test_malformed_yaml(self, tmp_path: Path) -> None:
        """Malformed YAML: exit 1 with the line where parsing stopped."""
        path = tmp_path / "broken.yaml"
        path.write_text("version: 1\nservices: [\n", encoding="utf-8")
        result = seva("catalogue", "check", str(path))
        assert result.returncode == 1
        assert re.match(r"broken\.yaml:\d+ malformed YAML: ", result.stderr)
        assert "1 problem; the catalogue was not loaded." in result.stderr

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that does not exist: exit 1, saying it cannot be read."""
        result = seva("catalogue", "check", str(tmp_path / "absent.yaml"))
        assert result.returncode == 1
        assert "absent.yaml:1 cannot read the file" in result.stderr

    def test_file_from_the_environment(self, good: Path, bad: Path) -> None:
        """Without an argument the file named by ``SEVA_CATALOGUE`` is checked."""
        assert seva("catalogue", "check", catalogue=good).returncode == 0
        assert seva("catalogue", "check", catalogue=bad).returncode == 1

    def test_catalogue_yaml_in_the_working_folder(self, good: Path, tmp_path: Path) -> None:
        """Without an argument or ``SEVA_CATALOGUE``, ``./catalogue.yaml`` is checked."""
        (tmp_path / "catalogue.yaml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
        result = seva("catalogue", "check", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "OK: 3 services" in result.stdout

    def test_the_shipped_catalogue(self) -> None:
        """The real ``catalogue.yaml`` passes the check."""
        result = seva("catalogue", "check", str(CATALOGUE))
        assert result.returncode == 0, result.stderr
        assert re.search(r"^OK: \d+ services", result.stdout, re.MULTILINE)


class TestSearch:
    """``seva catalogue search`` prints the best matches first, and exits 1 when nothing matches."""

    def test_english(self, good: Path) -> None:
        """Each hit on a line: score, code, English name and department."""
        result = seva("catalogue", "search", "certificate", "--file", str(good))
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 2
        assert re.match(r"^\s*\d+\.\d  rev-income-certificate\s+Income certificate  \[revenue\]$", lines[0])
        assert "rev-domicile-certificate" in lines[1]

    def test_hindi_query_and_names(self, good: Path) -> None:
        """A Hindi query finds the pension; ``--hindi`` prints its Hindi name."""
        result = seva("catalogue", "search", "पेंशन", "--hindi", "--file", str(good))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0].endswith(
            "sj-old-age-pension                       वृद्धावस्था पेंशन  [social_justice]"
        )

    def test_limit(self, good: Path) -> None:
        """``--limit 1`` prints one hit and says how many more there are."""
        result = seva("catalogue", "search", "certificate", "--limit", "1", "--file", str(good))
        assert result.returncode == 0
        assert result.stdout.splitlines()[1:] == ["... 1 more"]

    def test_no_match(self, good: Path) -> None:
        """Nothing found: exit 1 with a message on stderr."""
        result = seva("catalogue", "search", "xyzzy", "--file", str(good))
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.strip() == "No service matches 'xyzzy'."

    def test_invalid_catalogue(self, bad: Path) -> None:
        """Searching an invalid catalogue fails with its problems, like ``check``."""
        result = seva("catalogue", "search", "income", "--file", str(bad))
        assert result.returncode == 1
        assert "unknown department 'railways'" in result.stderr

    def test_catalogue_from_the_environment(self, good: Path) -> None:
        """Without ``--file`` the catalogue named by ``SEVA_CATALOGUE`` is searched."""
        result = seva("catalogue", "search", "domicile", catalogue=good)
        assert result.returncode == 0
        assert "rev-domicile-certificate" in result.stdout


class TestUsage:
    """Mistakes in the command line itself exit 2 with click's usage message."""

    @pytest.mark.parametrize(
        "args",
        [("catalogue", "search", "x", "--limit", "0"), ("catalogue", "fly"), ("catalogue", "search")],
    )
    def test_usage_errors(self, args: tuple[str, ...]) -> None:
        """An out-of-range option, an unknown command or a missing argument is a usage error."""
        result = seva(*args)
        assert result.returncode == 2
        assert "Usage:" in result.stderr

    def test_help(self) -> None:
        """``seva catalogue --help`` lists both commands."""
        result = seva("catalogue", "--help")
        assert result.returncode == 0
        assert "check" in result.stdout and "search" in result.stdout
