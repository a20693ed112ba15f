"""Settings, read once from ``SEVA_*`` environment variables and passed to whatever needs them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import msgspec

__all__ = ["Settings", "SettingsError"]


class SettingsError(ValueError):
    """An environment variable holds a value seva cannot use; the message names it."""


def _path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise NotImplementedError


Positive = Annotated[int, msgspec.Meta(ge=1)]


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    """Everything configurable. Every field has an environment variable ``SEVA_<FIELD>``."""

    catalogue: Path = Path("catalogue.yaml")
    data_dir: Path = Path("seva-data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"
    catalogue_watch_seconds: float = 2.0
    demo: bool = False

    # Identity, rate limits and audit: docs/security.md explains each one.
    secret_key: str = ""
    keys_dir: Path | None = None
    token_issuer: str = "seva"  # noqa: S105 - a name, not a secret
    token_audience: str = "seva-api"  # noqa: S105 - a name, not a secret
    access_token_seconds: Positive = 900
    refresh_token_seconds: Positive = 30 * 24 * 3600
    otp_seconds: Positive = 300
    otp_attempts: Positive = 3
    otp_resend_seconds: Positive = 30
    otp_per_hour: Positive = 5
    notifier: str = "database"
    sms_url: str = ""
    sms_token: str = ""
    sms_sender: str = "SEVAMP"
    sms_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    signin_per_minute: Positive = 20
    api_per_minute: Positive = 600
    ratelimit_sync_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 1.0

    # Documents, applications and delivery: docs/applications.md explains each one.
    max_upload_bytes: Positive = 5 * 1024 * 1024
    public_url: str = ""  # how departments reach this gateway (document links); default http://host:port
    inprocess_workers: bool | None = None  # run delivery inside `seva serve`; default: on in demo mode
    delivery_batch: Positive = 32
    delivery_lease_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    delivery_idle_seconds: Annotated[float, msgspec.Meta(gt=0)] = 0.5
    delivery_poll_seconds: Annotated[float, msgspec.Meta(gt=0)] = 2.0
    delivery_backoff_initial: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    delivery_backoff_max: Annotated[float, msgspec.Meta(gt=0)] = 300.0
    breaker_threshold: Positive = 5
    breaker_cooldown_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0

    # The web page: docs/web.md explains each one.
    session_idle_seconds: Positive = 30 * 60  # a person's session ends after this long without a request
    session_max_seconds: Positive = 12 * 3600  # and this long after sign-in, whatever happens
    max_photo_bytes: Positive = 25 * 1024 * 1024  # the largest phone photo the page takes in to reduce

    # Family registry: docs/registry.md explains each one.
    aadhaar_key: str = ""  # the key of the Aadhaar hashes; default: made once into data_dir/aadhaar.key
    eligibility_cache_families: Positive = 1000

    @property
    def runs_inprocess_workers(self) -> bool:
        """Whether ``seva serve`` delivers applications itself: ``SEVA_INPROCESS_WORKERS``, else demo mode."""
        return self.demo if self.inprocess_workers is None else self.inprocess_workers

    @property
    def gateway_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def https(self) -> bool:
        """Whether people reach seva over HTTPS (``SEVA_PUBLIC_URL``): cookies are then ``Secure``."""
        return self.gateway_url.startswith("https://")

    @property
    def keys_path(self) -> Path:
        """Where the token signing keys live: ``SEVA_KEYS_DIR``, or ``keys/`` in the data folder."""
        return self.keys_dir if self.keys_dir is not None else self.data_dir / "keys"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            key = f"SEVA_{field.name.upper()}"
            if key in env:
                values[field.name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            settings = msgspec.convert(values, cls, strict=False, dec_hook=_path)
        except msgspec.ValidationError as exc:
            raise SettingsError(f"bad setting: {exc} (from SEVA_* environment variables)") from None
        if not settings.database_url:
            url = f"sqlite+aiosqlite:///{settings.data_dir / 'seva.db'}"
            settings = msgspec.structs.replace(settings, database_url=url)
        if settings.notifier == "sms" and not settings.sms_url:
            raise SettingsError("SEVA_NOTIFIER=sms needs SEVA_SMS_URL, the provider's address")
        return settings

    def __repr__(self) -> str:
        # Settings hold secrets (SEVA_SECRET_KEY, SEVA_SMS_TOKEN); never print them whole.
        shown = {
            f: ("***" if f in _SECRET_FIELDS and getattr(self, f) else getattr(self, f))
            for f in self.__struct_fields__
        }
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


_SECRET_FIELDS = frozenset({"secret_key", "sms_token", "aadhaar_key"})
