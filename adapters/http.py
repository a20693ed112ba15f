"""What the REST and SOAP adapters share: the client, the concurrency bound, and the mapping of failures.

``build_client`` is for the caller who wires adapters together: the adapter itself only receives the
client. Every client it builds connects only where the operator's ``EgressPolicy`` allows: the host is
resolved and each address checked on every new connection, by a network backend under httpx's own
pool or by a resolver under aiohttp's (``adapters.aiohttp_transport``). ``HttpDepartmentAdapter.send``
is the one place where httpx errors and HTTP statuses become ``Retryable`` or ``Permanent`` department
errors, and where a call is cut off at its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import ssl
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx
import msgspec

from adapters.base import DepartmentAdapter
from adapters.config import AdapterConfig, MutualTLS, Secret
from adapters.egress import EgressPolicy
from adapters.errors import (
    AdapterConfigError,
    DepartmentError,
    DepartmentThrottled,
    DepartmentTimeout,
    DepartmentUnavailable,
    DepartmentUnreachable,
    DestinationRefused,
    MalformedAnswer,
    Permanent,
    RequestRefused,
)
from adapters.exchange import DEFAULT_CLIENT, ExchangeHeaders

__all__ = ["Answer", "HttpDepartmentAdapter", "build_client", "ssl_context"]

THROTTLED = frozenset({408, 425, 429})


def ssl_context(config: AdapterConfig) -> ssl.SSLContext:
    """The TLS context for a department: its CA if configured, and our client certificate for mTLS."""
    try:
        context = ssl.create_default_context(cafile=config.ca_bundle)
        if isinstance(config.auth, MutualTLS):
            context.load_cert_chain(config.auth.cert, config.auth.key)
    except (OSError, ssl.SSLError) as exc:
        raise AdapterConfigError(f"adapter {config.code!r}: cannot load TLS files: {exc}") from exc
    return context


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the egress policy allows.

    httpcore hands it the URL's host; it resolves the host through the policy and connects to the first
    allowed address that answers. TLS still verifies the host name, which httpcore passes separately.
    """

    def __init__(self, egress: EgressPolicy, adapter: str) -> None:
        self._egress = egress
        self._adapter = adapter
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._egress.addresses(host, port, adapter=self._adapter)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host!r} took too long") from None
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # addresses is never empty: the policy raises instead
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise DestinationRefused("unix sockets are never called", adapter=self._adapter)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedHTTPTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a pool whose connections go through ``GuardedBackend``."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits, backend: GuardedBackend) -> None:
        # httpx has no argument for a network backend, so the pool is built here as httpx builds it (no
        # proxy: trust_env is off), with ours; every other method of the transport only uses ``_pool``.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def build_client(config: AdapterConfig, *, egress: EgressPolicy) -> httpx.AsyncClient:
    """An ``AsyncClient`` for one department: its timeouts, a pool sized to its concurrency, its TLS,
    and connections only to the addresses ``egress`` allows (checked on every new connection).

    With ``transport: aiohttp`` the requests go through ``httpx-aiohttp``'s transport behind the same
    httpx API (see ``docs/adapters.md`` for the measurements behind the choice).
    """
    timeout = httpx.Timeout(
        connect=config.timeouts.connect,
        read=config.timeouts.read,
        write=config.timeouts.write,
        pool=config.timeouts.pool,
    )
    limits = httpx.Limits(
        max_connections=config.max_concurrency, max_keepalive_connections=config.max_concurrency
    )
    https = (config.endpoint or "").startswith("https://")
    if isinstance(config.auth, MutualTLS) and not https:
        raise AdapterConfigError(f"adapter {config.code!r}: mutual TLS needs an https:// endpoint")
    verify: ssl.SSLContext | bool = True
    if https and (config.ca_bundle or isinstance(config.auth, MutualTLS)):
        verify = ssl_context(config)
    transport: httpx.AsyncBaseTransport
    if config.transport == "aiohttp":
        # imported only when chosen: aiohttp is heavy to load
        from adapters.aiohttp_transport import GuardedAiohttpTransport

        transport = GuardedAiohttpTransport(egress, config.code, verify=verify, limits=limits)
    else:
        context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(trust_env=False)
        transport = _GuardedHTTPTransport(context, limits, GuardedBackend(egress, config.code))
    return httpx.AsyncClient(timeout=timeout, transport=transport, trust_env=False)


class Answer(msgspec.Struct, frozen=True):
    """A department's answer with a success status, read in full."""

    status_code: int
    content_type: str
    body: bytes


class HttpDepartmentAdapter(DepartmentAdapter):
    """A department reached over HTTP through an injected client, with at most ``max_concurrency`` calls.

    Subclasses build bodies and read answers; ``send`` does the call and raises for every failure.
    ``department_message`` pulls the department's own words out of an error body.
    """

    def __init__(
        self,
        config: AdapterConfig,
        client: httpx.AsyncClient,
        *,
        token: Secret | None = None,
        client_id: str = DEFAULT_CLIENT,
    ) -> None:
        super().__init__(config.code, service=config.service, client_id=client_id)
        self.config = config
        self.endpoint = config.require_endpoint()
        self._client = client
        self._token = token
        self._timeout = httpx.Timeout(
            connect=config.timeouts.connect,
            read=config.timeouts.read,
            write=config.timeouts.write,
            pool=config.timeouts.pool,
        )
        # A department that slows down must not take every connection and task of the gateway with it.
        self._slots = asyncio.Semaphore(config.max_concurrency)

    def department_message(self, answer: httpx.Response, body: bytes) -> str | None:
        """The department's message in an error answer; by default its text, if it is text."""
        content_type = answer.headers.get("content-type", "")
        if content_type.startswith("text/") or "json" in content_type or "xml" in content_type:
            return body.decode("utf-8", "replace").strip() or None
        return None

    def error_for(self, answer: httpx.Response, body: bytes) -> DepartmentError:
        """The error for a non-success answer; SOAP overrides it to read faults."""
        return status_error(self.code, answer, self.department_message(answer, body))

    async def send(
        self, method: str, path: str, exchange: ExchangeHeaders, *, content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:  # fmt: skip
        """Make one call, bounded by the department's concurrency and cut off at ``config.call_deadline``
        (httpx's timeouts bound each step, not a department that trickles its answer), and return a
        success answer."""
        all_headers = {**exchange.as_http(), **(headers or {})}
        if self._token is not None:
            all_headers["Authorization"] = f"Bearer {self._token.reveal()}"
        async with self._slots:
            try:
                with map_httpx_errors(self.code):
                    async with (
                        asyncio.timeout(self.config.call_deadline),
                        self._client.stream(
                            method, self.endpoint + path, content=content, headers=all_headers,
                            timeout=self._timeout,
                        ) as response,
                    ):  # fmt: skip
                        body = await self._read(response)
            except TimeoutError:
                raise DepartmentTimeout(
                    f"no whole answer within {self.config.call_deadline:g} s", adapter=self.code
                ) from None
        if not 200 <= response.status_code < 300:
            raise self.error_for(response, body)
        return Answer(response.status_code, response.headers.get("content-type", ""), body)

    async def _read(self, response: httpx.Response) -> bytes:
        limit = self.config.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise MalformedAnswer(
                f"answer of {declared} bytes is larger than the {limit} allowed",
                adapter=self.code, status_code=response.status_code,
            )  # fmt: skip
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise MalformedAnswer(
                    f"answer is larger than the {limit} bytes allowed",
                    adapter=self.code, status_code=response.status_code,
                )  # fmt: skip
            chunks.append(chunk)
        return b"".join(chunks)


@contextlib.contextmanager
def map_httpx_errors(adapter: str) -> Iterator[None]:
    """Turn httpx's errors into department errors, the most specific first, keeping the cause."""
    try:
        yield
    except httpx.TimeoutException as exc:
        # httpx-aiohttp reports a refused connection as a connect timeout; the cause tells them apart.
        if isinstance(exc.__cause__, OSError) and not isinstance(exc.__cause__, TimeoutError):
            raise DepartmentUnreachable(f"cannot connect: {exc}", adapter=adapter) from exc
        raise DepartmentTimeout(f"no answer in time ({type(exc).__name__})", adapter=adapter) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise DepartmentUnreachable(f"cannot connect: {exc or type(exc).__name__}", adapter=adapter) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError) as exc:
        raise Permanent(f"cannot make the request: {exc}", adapter=adapter) from exc
    except httpx.HTTPError as exc:
        raise DepartmentUnreachable(f"HTTP failure: {exc}", adapter=adapter) from exc


def status_error(adapter: str, answer: httpx.Response, message: str | None) -> DepartmentError:
    """The department error for a status that is not a success."""
    code = answer.status_code
    retry_after = parse_retry_after(answer.headers.get("retry-after"))
    if code in THROTTLED:
        error_class: type[DepartmentError] = DepartmentThrottled
        reason = "department asked us to slow down"
    elif 400 <= code < 500:
        error_class, reason = RequestRefused, "department refused the request"
    elif code >= 500:
        error_class, reason = DepartmentUnavailable, "department failed"
    else:  # redirects are not followed: a department that moved must be reconfigured
        error_class = RequestRefused
        reason = f"unexpected answer (location {answer.headers.get('location', '')!r})"
    return error_class(
        reason, adapter=adapter, status_code=code, department_message=message, retry_after=retry_after
    )


def parse_retry_after(value: str | None, now: Callable[[], dt.datetime] | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = now() if now else dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())
