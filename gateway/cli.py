"""The ``seva`` command. Each group of subcommands lives in ``gateway/commands/`` and is imported only
when it is run, so ``seva --help`` does not load the whole gateway."""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# name -> (module, attribute, one-line help shown by ``seva --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": ("gateway.commands.audit", "audit_group", "The append-only, hash-chained audit trail."),
    "catalogue": ("gateway.commands.catalogue", "catalogue_group", "Check and search the service catalogue."),
    "certificate": (
        "gateway.commands.certificate",
        "certificate_group",
        "Verify a signed certificate offline.",
    ),
    "clients": (
        "gateway.commands.identity",
        "clients_group",
        "API clients of departments, auditors, administrators.",
    ),
    "db": ("gateway.commands.db", "db_group", "Manage the database schema."),
    "grievance-watcher": (
        "gateway.commands.grievances",
        "grievance_watcher",
        "Move up grievances whose level's time has lapsed; send their texts.",
    ),
    "keys": ("gateway.commands.identity", "keys_group", "The keys that sign access tokens."),
    "open311": (
        "gateway.commands.open311",
        "open311_group",
        "Open311 client applications and their API keys.",
    ),
    "cpgrams": (
        "gateway.commands.cpgrams",
        "cpgrams_group",
        "Exchange grievances with CPGRAMS through files.",
    ),
    "registry": (
        "gateway.commands.registry",
        "registry_group",
        "Fill the family registry, and read it back out.",
    ),
    "serve": ("gateway.commands.serve", "serve", "Serve the gateway."),
    "staff": (
        "gateway.commands.staff",
        "staff_group",
        "Officers, agents and operators who sign in as people.",
    ),
    "watcher": (
        "gateway.commands.watcher",
        "watcher",
        "Watch the guarantee's deadlines: reminders, appeals.",
    ),
    "workers": ("gateway.commands.workers", "workers", "Deliver submitted applications to departments."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = COMMANDS.get(cmd_name)
        if found is None:
            return None
        module, attribute, _ = found
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The one-line help comes from the table above, so listing the commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seva")
def main() -> None:
    """seva: one window to every government service."""


if __name__ == "__main__":
    main()
