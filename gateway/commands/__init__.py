"""Subcommands of the ``seva`` CLI, one module per group."""
