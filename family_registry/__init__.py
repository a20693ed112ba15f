"""The family registry: Samagra-style families and members, their IDs, storage, import and synthetic data.

Knows SQL (SQLModel tables, SQLAlchemy Core statements) and the catalogue, but nothing of HTTP; the
gateway serves it (``gateway/families``) and the CLI fills it (``gateway/commands/registry.py``).

    tables        families, members, registry_meta
    ids, aadhaar, mobile, verhoeff
                  identifiers checked where they enter; Aadhaar numbers kept only as a keyed hash
    keys, keys_check
                  the Aadhaar key (setting or a 0600 file) and the fingerprint that stops a changed key
    csv_format    the import/export format, one row per member; ``parse_row`` checks one row
    importer, writer, bulk
                  streaming import in batches, rejects file, idempotent upserts
    exporter      the registry back out in the import format
    synth, districts, names
                  deterministic synthetic families of Madhya Pradesh
    records, store
                  a family with its members in one query; lookups by mobile and Aadhaar
    facts, eligibility
                  the catalogue's facts from a family and member; verdicts and their versioned cache
    errors        the registry's exceptions

docs/registry.md describes it all.
"""
