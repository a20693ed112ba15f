"""Settings, read once from ``SEVA_*`` environment variables and passed to whatever needs them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

__all__ = ["Settings", "SettingsError"]


class SettingsError(ValueError):
    """An environment variable holds a value seva cannot use; the message names it."""


def _path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


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
        return settings
