"""``seva serve``: run the gateway under uvicorn."""

from __future__ import annotations

import os
import sys

import click
import uvicorn

from catalogue import CatalogueInvalid, load_catalogue
from gateway.settings import Settings

__all__ = ["serve"]


@click.command("serve")
@click.option("--host", help="Address to listen on (default $SEVA_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default $SEVA_PORT or 8000).")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default $SEVA_WORKERS or 1).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the gateway. Refuses to start on an invalid catalogue."""
    settings = Settings.from_env(host=host, port=port, workers=workers)
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
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
