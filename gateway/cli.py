"""The ``seva`` command. Each group of subcommands lives in ``gateway/commands/``."""

from __future__ import annotations

import click

from gateway.commands.audit import audit_group
from gateway.commands.catalogue import catalogue_group
from gateway.commands.db import db_group
from gateway.commands.identity import clients_group, keys_group
from gateway.commands.registry import registry_group
from gateway.commands.serve import serve
from gateway.commands.workers import workers

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seva")
def main() -> None:
    """seva: one window to every government service."""


main.add_command(audit_group)
main.add_command(catalogue_group)
main.add_command(clients_group)
main.add_command(db_group)
main.add_command(keys_group)
main.add_command(registry_group)
main.add_command(serve)
main.add_command(workers)

if __name__ == "__main__":
    main()
