"""``seva serve --host/--port`` reach the application's settings: uvicorn builds the application in its
own worker processes from the environment, so links the gateway gives out (documents for departments,
certificates' verify pages) must name the port it listens on, not the default 8000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from gateway.commands.serve import listen_address, serve
from gateway.settings import Settings


@pytest.mark.parametrize("public_url", ["", "https://seva.mp.example"])
def test_the_options_reach_the_settings_the_application_is_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, public_url: str
) -> None:
    # The command writes what it resolved into the environment; these restore it after the test.
    for name, value in {
        "SEVA_HOST": "127.0.0.1",
        "SEVA_PORT": "8000",
        "SEVA_WORKERS": "1",
        "SEVA_DATA_DIR": str(tmp_path / "data"),
        "SEVA_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'seva.db'}",
        "SEVA_PUBLIC_URL": public_url,
        "SEVA_CATALOGUE": str(Path(__file__).resolve().parents[2] / "catalogue.yaml"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SEVA_DEMO", raising=False)
    seen: dict[str, Any] = {}

    def listen(app: str, **options: Any) -> None:
        """Where uvicorn would start listening: what it is asked to, and what the factory would read."""
        seen.update(options, app=app, settings=Settings.from_env())

    monkeypatch.setattr(uvicorn, "run", listen)
    result = CliRunner().invoke(serve, ["--host", "localhost", "--port", "9123", "--server", "uvicorn"])
    assert result.exit_code == 0, result.output
    assert "open http://localhost:9123/" in result.output
    assert (seen["app"], seen["host"], seen["port"], seen["factory"]) == (
        "gateway.app:create_app",
        "localhost",
        9123,
        True,
    )
    settings: Settings = seen["settings"]
    assert (settings.host, settings.port) == ("localhost", 9123)
    assert settings.gateway_url == (public_url or "http://localhost:9123")


def test_granian_is_given_an_address_for_a_host_name() -> None:
    """granian binds addresses only: ``--host localhost`` must reach it as an address, not fail."""
    assert listen_address("localhost") in ("127.0.0.1", "::1")
    assert listen_address("0.0.0.0") == "0.0.0.0"  # noqa: S104
    assert listen_address("[::1]") == "::1"
