"""``seva serve``: run the gateway under granian (the default) or uvicorn."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

import click

from catalogue import CatalogueInvalid, load_catalogue
from gateway.platform.logs import configure_logging
from gateway.settings import Settings

__all__ = ["demo_exposure", "is_loopback", "listen_address", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is reachable from this machine only."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found
    )


def listen_address(host: str) -> str:
    """The address to bind for ``host``: granian takes addresses only, so a name such as ``localhost`` is
    resolved here (IPv4 first, as uvicorn binds it)."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    found.sort(key=lambda info: info[0] != socket.AF_INET)
    return str(found[0][4][0])


def demo_exposure(settings: Settings) -> str | None:
    """Why demo mode may not listen where it was asked to, or None. Demo mode shows every text message seva
    sends, sign-in codes included, to anyone who opens /demo/inbox: on the network, anyone could sign in
    as any citizen."""
    if not settings.demo or settings.demo_on_network or is_loopback(settings.host):
        return None
    return (
        f"seva: demo mode shows every sign-in code at /demo/inbox, so it listens on this machine only "
        f"(127.0.0.1), not on {settings.host}. To serve the demo to other machines all the same, add "
        f"--demo-on-network (or set SEVA_DEMO_ON_NETWORK=1); for real use, leave SEVA_DEMO unset."
    )


@click.command("serve")
@click.option("--host", help="Address to listen on (default $SEVA_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default $SEVA_PORT or 8000).")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default $SEVA_WORKERS or 1).")
@click.option(
    "--server",
    type=click.Choice(["granian", "uvicorn"]),
    help="The HTTP server (default $SEVA_SERVER or granian; uvicorn where granian is not installed).",
)
@click.option(
    "--demo-on-network",
    is_flag=True,
    default=None,
    help="In demo mode, listen on a non-loopback address all the same ($SEVA_DEMO_ON_NETWORK).",
)
def serve(
    host: str | None, port: int | None, workers: int | None, server: str | None, demo_on_network: bool | None
) -> None:
    """Serve the gateway. Refuses to start on an invalid catalogue, and in demo mode on an address other
    machines can reach unless told so."""
    settings = Settings.from_env(
        host=host, port=port, workers=workers, server=server, demo_on_network=demo_on_network
    )
    refusal = demo_exposure(settings)
    if refusal:
        click.echo(refusal, err=True)
        sys.exit(2)
    try:
        catalogue = load_catalogue(settings.catalogue)
    except CatalogueInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("The catalogue is invalid; the server was not started.", err=True)
        sys.exit(1)
    here = f"http://{settings.host}:{settings.port}"
    click.echo(f"seva: {len(catalogue.services)} services; open {here}/ in a browser")
    if settings.demo:
        click.echo(f"      demo mode: text messages (sign-in codes) show at {here}/demo/inbox")
    click.echo(f"      API docs at {here}/schema")
    # The application (built by uvicorn, in each worker process) reads its settings from the environment:
    # pass on what the options resolved, or links the gateway gives out would name the default port.
    os.environ.update(
        {
            "SEVA_CATALOGUE": str(settings.catalogue),
            "SEVA_DATABASE_URL": settings.database_url,
            "SEVA_HOST": settings.host,
            "SEVA_PORT": str(settings.port),
            "SEVA_WORKERS": str(settings.workers),
        }
    )
    configure_logging(settings.log_level, settings.log_format)
    chosen = settings.server if _installed(settings.server) else "uvicorn"
    if chosen != settings.server:
        click.echo(f"      {settings.server} is not installed: serving with uvicorn", err=True)
    (_granian if chosen == "granian" else _uvicorn)(settings)


def _installed(server: str) -> bool:
    try:
        __import__(server)
    except ImportError:
        return False
    return True


# What both servers are told, and why: the client's address is taken from forwarded headers by the
# platform, from trusted proxies only (SEVA_TRUSTED_PROXIES), so neither server may rewrite it (uvicorn's
# own handling would believe anything from 127.0.0.1; granian has none); no access log (the platform logs
# what it must, as JSON); no Server header.


def _uvicorn(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        log_config=None,  # uvicorn's lines go through seva's handler, as JSON like every other
        proxy_headers=False,
        server_header=False,
    )


def _granian(settings: Settings) -> None:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    # granian's own lines go to the root logger, where seva's handler writes them as JSON.
    passed_on: dict[str, Any] = {"handlers": [], "propagate": True}
    server = Server(
        "gateway.app:create_app",
        factory=True,
        address=listen_address(settings.host),
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        websockets=False,
        log_enabled=True,
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig={"loggers": {"_granian": dict(passed_on), "granian.access": dict(passed_on)}},
        log_access=False,
    )
    server.serve()
