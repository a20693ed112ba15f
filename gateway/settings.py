"""Settings, read once from ``SEVA_*`` environment variables and passed to whatever needs them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from adapters import EgressPolicy
from gateway.platform.forwarded import parse_networks

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
    server: Literal["granian", "uvicorn"] = (
        "granian"  # seva serve's HTTP server; uvicorn if granian is absent
    )
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"  # JSON lines (structlog) for machines, text for a terminal
    catalogue_watch_seconds: float = 2.0
    demo: bool = False
    demo_on_network: bool = False  # demo mode listens on loopback only unless this says otherwise
    # Proxies whose X-Forwarded-For and -Proto are believed (addresses or networks, comma-separated).
    trusted_proxies: str = ""
    # Who may read /metrics without a token: addresses or networks (after trusted proxies are applied).
    operations_networks: str = "127.0.0.0/8, ::1"

    # Identity, rate limits and audit: docs/security.md explains each one.
    secret_key: str = ""
    keys_dir: Path | None = None
    token_issuer: str = "seva"  # noqa: S105 - a name, not a secret
    token_audience: str = "seva-api"  # noqa: S105 - a name, not a secret
    access_token_seconds: Positive = 900
    staff_token_seconds: Positive = 8 * 3600  # a working day; revocation still bites within 30 s
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

    # The audit trail's sealer (docs/operations.md): how often it looks for entries to chain, how many it
    # chains per transaction, where it appends each new head (default: audit-heads.jsonl in the data
    # folder; ship it where the database's owner cannot write), and whether serve and workers run one.
    audit_seal_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 1.0
    audit_seal_batch: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 2000
    audit_head_file: Path | None = None
    audit_sealer: bool = True

    # Bounded work per request (docs/security.md): the body of any route but the document upload.
    max_json_bytes: Positive = 1024 * 1024

    # Documents, applications and delivery: docs/applications.md explains each one.
    max_upload_bytes: Positive = 5 * 1024 * 1024
    document_quota_bytes: Positive = 50 * 1024 * 1024  # all documents of one family together
    public_url: str = ""  # how departments reach this gateway (document links); default http://host:port
    inprocess_workers: bool | None = None  # run delivery inside `seva serve`; default: on in demo mode
    delivery_batch: Positive = 32
    delivery_concurrency: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 16  # calls in flight per department
    delivery_lease_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    delivery_idle_seconds: Annotated[float, msgspec.Meta(gt=0)] = 0.5
    delivery_poll_seconds: Annotated[float, msgspec.Meta(gt=0)] = 2.0
    delivery_backoff_initial: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    delivery_backoff_max: Annotated[float, msgspec.Meta(gt=0)] = 300.0
    breaker_threshold: Positive = 5
    breaker_cooldown_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    # Hosts and networks the gateway may call (department endpoints): nothing until the operators say.
    # The demo offices of `make run` run in process and need none.
    egress_allow: str = ""

    # Guaranteed deadlines, the desk and certificates: docs/deadlines.md explains each one.
    guarantee_file: Path | None = None  # the Act's figures and the working calendar; default: shipped data
    # Who decides for `local` adapters: officers at the desk, or the demo offices; default: demo offices in
    # demo mode (so `make run` takes an application the whole way), the desk otherwise.
    local_decisions: Literal["desk", "demo"] | None = None
    inprocess_watcher: bool | None = None  # run the deadline watcher inside `seva serve`; default: as workers
    watcher_batch: Positive = 500
    watcher_lease_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    watcher_idle_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    callback_window_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 300.0
    certificate_keys_dir: Path | None = None

    # Grievances: docs/grievances.md explains each one.
    grievance_file: Path | None = None  # routing and levels; default: grievances.yaml beside the catalogue
    grievance_watcher_batch: Positive = 20_000  # grievances one escalation round moves, in one transaction
    grievance_watcher_idle_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    grievance_sms_reply_token: str = ""  # the SMS provider's token for relaying replies; none: refused
    whatsapp_url: str = ""  # a second notifier for grievance texts, over HTTP; none: SMS only
    whatsapp_token: str = ""

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
    def decided_at_desk(self) -> bool:
        """Whether `local` adapters' applications go to officers (``SEVA_LOCAL_DECISIONS``)."""
        return (self.local_decisions or ("demo" if self.demo else "desk")) == "desk"

    @property
    def egress_policy(self) -> EgressPolicy:
        """``SEVA_EGRESS_ALLOW`` read into the policy every department call is checked against."""
        return EgressPolicy.parse(self.egress_allow)

    @property
    def served_over_https(self) -> bool:
        """Whether the public address is https (then every answer carries Strict-Transport-Security)."""
        return self.public_url.lower().startswith("https://")

    @property
    def runs_inprocess_watcher(self) -> bool:
        """Whether ``seva serve`` runs the deadline watcher: ``SEVA_INPROCESS_WATCHER``, else as workers."""
        return self.runs_inprocess_workers if self.inprocess_watcher is None else self.inprocess_watcher

    @property
    def certificate_keys_path(self) -> Path:
        """Where certificate signing keys live: ``SEVA_CERTIFICATE_KEYS_DIR``, or ``certificate-keys/``."""
        return self.certificate_keys_dir or self.data_dir / "certificate-keys"

    @property
    def gateway_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def https(self) -> bool:
        """Whether people reach seva over HTTPS (``SEVA_PUBLIC_URL``): cookies are then ``Secure``."""
        return self.gateway_url.startswith("https://")

    @property
    def audit_head_path(self) -> Path:
        """Where the sealer publishes heads: ``SEVA_AUDIT_HEAD_FILE``, or ``audit-heads.jsonl``."""
        return self.audit_head_file or self.data_dir / "audit-heads.jsonl"

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
        try:
            settings.egress_policy  # noqa: B018 - read once here so a bad entry stops the start
        except ValueError as exc:
            raise SettingsError(f"SEVA_EGRESS_ALLOW: {exc}") from None
        for name in ("trusted_proxies", "operations_networks"):
            try:
                parse_networks(getattr(settings, name))
            except ValueError as exc:
                raise SettingsError(f"SEVA_{name.upper()}: {exc}") from None
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


_SECRET_FIELDS = frozenset(
    {"secret_key", "sms_token", "aadhaar_key", "grievance_sms_reply_token", "whatsapp_token"}
)
