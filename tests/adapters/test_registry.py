"""The adapter registry and configuration: explicit kinds, typed errors, secrets that never show."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from adapters.base import DepartmentAdapter, StatusQuery, StatusResult, SubmissionRequest, SubmitResult
from adapters.config import AdapterConfig, BearerToken, MutualTLS, Secret, env_secret
from adapters.errors import AdapterConfigError, UnknownAdapterKind
from adapters.registry import AdapterContext, AdapterRegistry, default_registry


class EchoAdapter(DepartmentAdapter):
    """A kind a deployment might add itself."""

    async def submit(self, request: SubmissionRequest) -> SubmitResult:
        return SubmitResult(department_reference=request.reference_number, status="received")

    async def status(self, query: StatusQuery) -> StatusResult:
        return StatusResult(department_reference=query.reference_number, status="received")


def echo_factory(config: AdapterConfig, context: AdapterContext) -> DepartmentAdapter:
    return EchoAdapter(config.code, client_id=context.client_id)


class TestRegistry:
    def test_default_registry_knows_the_shipped_kinds(self) -> None:
        """local, rest and soap are registered, explicitly."""
        assert default_registry().kinds() == ("local", "rest", "soap")

    def test_unknown_kind_is_named_with_the_known_ones(self) -> None:
        """Asking for an unregistered kind raises UnknownAdapterKind listing what is known."""
        with pytest.raises(UnknownAdapterKind, match=r"'ftp'; registered kinds: local, rest, soap") as caught:
            default_registry().create(AdapterConfig(code="ftp_land", kind="ftp"))
        assert caught.value.kind == "ftp"

    def test_a_new_kind_can_be_registered(self) -> None:
        """A deployment registers its own kind and gets its adapter, with our client ID."""
        registry = AdapterRegistry(client_id="IN/GOV/SEVA/test")
        registry.register("echo", echo_factory)
        adapter = registry.create(AdapterConfig(code="echo_one", kind="echo"))
        assert isinstance(adapter, EchoAdapter)
        assert adapter.client_id == "IN/GOV/SEVA/test"
        assert adapter.service == "IN/GOV/SEVA/echo_one"

    def test_registering_a_kind_twice_needs_replace(self) -> None:
        """A second factory for a kind is refused unless replacing is asked for."""
        registry = default_registry()
        with pytest.raises(AdapterConfigError, match="already registered"):
            registry.register("rest", echo_factory)
        registry.register("rest", echo_factory, replace=True)
        assert isinstance(registry.create(AdapterConfig(code="r", kind="rest")), EchoAdapter)

    @pytest.mark.parametrize("kind", ["rest", "soap"])
    def test_http_kinds_need_a_client(self, kind: str) -> None:
        """REST and SOAP adapters are handed a client; without one the error says how to build it."""
        config = AdapterConfig(
            code="x", kind=kind, endpoint="http://127.0.0.1:1", xsd="energy_connection.xsd"
        )
        with pytest.raises(AdapterConfigError, match="build_client"):
            default_registry().create(config)

    async def test_missing_endpoint_is_named(self) -> None:
        """A REST adapter without an endpoint is a configuration error."""
        async with httpx.AsyncClient() as client:
            with pytest.raises(AdapterConfigError, match="needs an endpoint"):
                default_registry().create(AdapterConfig(code="x", kind="rest"), client=client)


class TestConfig:
    def test_config_decodes_from_plain_data(self) -> None:
        """A configuration read from YAML or the environment decodes with its tagged auth."""
        data = {
            "code": "rest_transport",
            "kind": "rest",
            "endpoint": "https://transport.mp.test/api/v1",
            "auth": {"type": "bearer", "token_ref": "SEVA_TOKEN_TRANSPORT"},
            "timeouts": {"read": 20},
            "max_concurrency": 8,
        }
        config = msgspec.convert(data, AdapterConfig)
        assert config.auth == BearerToken(token_ref="SEVA_TOKEN_TRANSPORT")
        assert (config.timeouts.read, config.timeouts.connect) == (20, 3.0)
        mtls = msgspec.convert(
            {**data, "auth": {"type": "mtls", "cert": "c.pem", "key": "k.pem"}}, AdapterConfig
        )
        assert isinstance(mtls.auth, MutualTLS)

    def test_misspelt_key_is_refused(self) -> None:
        """A misspelt key fails loudly instead of being ignored."""
        with pytest.raises(msgspec.ValidationError, match="max_concurency"):
            msgspec.convert({"code": "x", "kind": "rest", "max_concurency": 4}, AdapterConfig)


class TestSecrets:
    def test_secret_never_prints_its_value(self) -> None:
        """A Secret shows as *** in repr and str, and gives its value only when asked."""
        secret = Secret("hunter2")
        assert "hunter2" not in repr(secret) + str(secret) + f"{secret}"
        assert secret.reveal() == "hunter2"

    def test_env_secret_names_the_reference_not_the_value(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A missing secret names the variable to set; a present one is read from the environment."""
        monkeypatch.delenv("SEVA_TEST_ABSENT", raising=False)
        with pytest.raises(AdapterConfigError, match="SEVA_TEST_ABSENT"):
            env_secret("SEVA_TEST_ABSENT")
        monkeypatch.setenv("SEVA_TEST_TOKEN", "tok")
        assert env_secret("SEVA_TEST_TOKEN").reveal() == "tok"

    async def test_token_is_resolved_when_the_adapter_is_built(self) -> None:
        """A bearer token reference is looked up through the registry's resolver, once, at build time."""
        asked: list[str] = []

        def resolver(ref: str) -> Secret:
            asked.append(ref)
            return Secret("value")

        config = AdapterConfig(
            code="rest_transport",
            kind="rest",
            endpoint="http://127.0.0.1:1",
            auth=BearerToken(token_ref="REF"),
        )
        async with httpx.AsyncClient() as client:
            default_registry(secrets=resolver).create(config, client=client)
        assert asked == ["REF"]
