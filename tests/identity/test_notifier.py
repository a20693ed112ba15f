"""The notifier port: the database outbox, the demo inbox, the HTTP SMS provider, and what reaches logs."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import create_engine
from gateway.notifications import NotificationFailed
from gateway.notifications.notifier import (
    DatabaseNotifier,
    HttpSmsNotifier,
    NotifierDeps,
    NotifierKinds,
    TextMessage,
    UnknownNotifier,
)
from gateway.notifications.tables import OutboxMessage
from gateway.platform.clock import SystemClock
from gateway.settings import Settings
from tests.conftest import InProcessServer, captured_log
from tests.identity.support import SmsProvider, bearer, seed_families, sign_in, sms_env

MESSAGE = TextMessage(mobile="9876500001", text="seva: your sign-in code is 123456.", purpose="otp")


async def _outbox(engine: AsyncEngine) -> list[dict[str, object]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(select(OutboxMessage.__table__))).mappings()]  # type: ignore[attr-defined]


class TestDatabaseNotifier:
    async def test_outside_demo_mode_the_text_is_withheld(self, engine: AsyncEngine) -> None:
        """The outbox keeps the masked number and a keyed hash, never the text with its code."""
        await DatabaseNotifier(engine, b"k" * 32, keep_text=False).send(MESSAGE)
        (row,) = await _outbox(engine)
        assert row["mobile_masked"] == "******0001" and row["text"] is None
        assert "9876500001" not in str(row)

    async def test_in_demo_mode_the_text_is_kept_for_the_inbox(self, engine: AsyncEngine) -> None:
        """In demo mode the text is kept so the demo inbox can show it."""
        await DatabaseNotifier(engine, b"k" * 32, keep_text=True).send(MESSAGE)
        (row,) = await _outbox(engine)
        assert row["text"] == MESSAGE.text


class TestHttpSmsNotifier:
    async def test_the_provider_receives_number_text_and_token(self, sms_provider: SmsProvider) -> None:
        """The message is posted as JSON with the bearer token to the configured address."""
        async with httpx.AsyncClient() as client:
            await HttpSmsNotifier(client, url=sms_provider.url, token="t0k", sender="SEVAMP", timeout=5).send(
                MESSAGE
            )
        assert sms_provider.received == [{"to": "+919876500001", "from": "SEVAMP", "text": MESSAGE.text}]
        assert sms_provider.authorizations == ["Bearer t0k"]

    @pytest.mark.parametrize("status", [400, 500, 503])
    async def test_a_refusal_is_a_notification_failure(self, sms_provider: SmsProvider, status: int) -> None:
        """Any answer other than 2xx is a typed failure naming the status, never the number."""
        sms_provider.status = status
        async with httpx.AsyncClient() as client:
            with pytest.raises(NotificationFailed, match=str(status)) as failed:
                await HttpSmsNotifier(client, url=sms_provider.url, token="", sender="S", timeout=5).send(
                    MESSAGE
                )
        assert "9876500001" not in str(failed.value)

    async def test_an_unreachable_provider_is_a_notification_failure(self) -> None:
        """A refused connection is a typed failure too."""
        async with httpx.AsyncClient() as client:
            notifier = HttpSmsNotifier(client, url="http://127.0.0.1:1/send", token="", sender="S", timeout=2)
            with pytest.raises(NotificationFailed, match="could not be reached"):
                await notifier.send(MESSAGE)


class TestRegistry:
    async def test_an_unknown_name_is_refused_and_a_registered_one_is_built(
        self, engine: AsyncEngine
    ) -> None:
        """Notifiers are found by name; an unknown name is an error listing the known ones."""
        async with httpx.AsyncClient() as client:
            deps = NotifierDeps(Settings.from_env({}), engine, b"k" * 32, client, SystemClock())
            kinds = NotifierKinds()
            with pytest.raises(UnknownNotifier, match="database, sms"):
                kinds.build("pigeon", deps)
            sent: list[TextMessage] = []

            class Memory:
                async def send(self, message: TextMessage) -> None:
                    sent.append(message)

            kinds.register("memory", lambda _: Memory())
            await kinds.build("memory", deps).send(MESSAGE)
            assert "memory" not in NotifierKinds().names()  # registered with this root only
        assert sent == [MESSAGE]


class TestDemoInbox:
    def test_sign_in_through_the_demo_inbox(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """In demo mode the code is read from the inbox (JSON and page) and signs the citizen in."""
        seed_families(db_url)
        server = app_factory({"SEVA_DATABASE_URL": db_url, "SEVA_DEMO": "1"})
        with server.client() as client:
            started = client.post("/api/v1/auth/otp", json={"login": "9876500001"}).json()
            inbox = client.get("/api/v1/demo/inbox", params={"mobile": "9876500001"}).json()
            page = client.get("/demo/inbox").text
            code = re.search(r"\b(\d{6})\b", inbox[0]["text"]).group(1)  # type: ignore[union-attr]
            verified = client.post(
                "/api/v1/auth/otp/verify", json={"challenge_id": started["challenge_id"], "code": code}
            )
        assert inbox[0]["to"] == "******0001" and inbox[0]["purpose"] == "otp"
        assert code in page and "******0001" in page
        assert verified.status_code == 200 and verified.json()["family_id"] == "10000001"

    def test_outside_demo_mode_the_inbox_does_not_exist(
        self, db_url: str, app_factory: Callable[..., InProcessServer]
    ) -> None:
        """Without demo mode both inbox addresses answer 404."""
        server = app_factory({"SEVA_DATABASE_URL": db_url})
        with server.client() as client:
            assert client.get("/api/v1/demo/inbox").status_code == 404
            assert client.get("/demo/inbox").status_code == 404


class TestLogs:
    def test_no_log_line_holds_a_number_code_token_or_secret(
        self,
        tmp_path: Path,
        db_url: str,
        sms_provider: SmsProvider,
        app_factory: Callable[..., InProcessServer],
    ) -> None:
        """After sign-in, a refresh, failures and refusals, the server's log holds none of the secrets."""
        seed_families(db_url)
        env = sms_env(db_url, sms_provider, SEVA_LOG_LEVEL="DEBUG")
        server = app_factory(env)
        with captured_log(tmp_path / "server.log") as log_file, server.client() as client:
            pair = sign_in(client, sms_provider, "9876500001")
            client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
            client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
            started = client.post("/api/v1/auth/otp", json={"login": "100000021"})
            client.post(
                "/api/v1/auth/otp/verify",
                json={"challenge_id": started.json()["challenge_id"], "code": "000000"},
            )
            client.get("/api/v1/auth/me", headers=bearer(pair["access_token"] + "x"))
        log = log_file.read_text()
        assert "sign-in refused" in log and "refused GET /api/v1/auth/me" in log  # refusals are logged...
        secrets = [
            "9876500001",
            pair["access_token"],
            pair["refresh_token"].split(".")[1],
            env["SEVA_SECRET_KEY"],
            env["SEVA_SMS_TOKEN"],
            *sms_provider.codes_for("9876500001"),
        ]
        assert [s[:12] for s in secrets if s in log] == []  # ...without what they were about


def test_notifier_messages_reach_the_outbox_from_two_processes_at_once(db_url: str) -> None:
    """Messages written by concurrent senders are all kept (the outbox is a plain shared table)."""

    async def go() -> int:
        engine = create_engine(db_url)
        try:
            notifier = DatabaseNotifier(engine, b"k" * 32, keep_text=False)
            await asyncio.gather(*(notifier.send(MESSAGE) for _ in range(20)))
            return len(await _outbox(engine))
        finally:
            await engine.dispose()

    assert asyncio.run(go()) == 20
