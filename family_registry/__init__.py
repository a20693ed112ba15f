"""The family registry: Samagra-style families and members, their IDs, storage, import and synthetic data.

Knows SQL (SQLModel tables, SQLAlchemy Core statements) and the catalogue, but nothing of HTTP; the
gateway serves it and the CLI imports and exports it.
"""
