"""Who may read the catalogue's history: auditors and administrators.

The history holds no personal data (the catalogue is public), but it is the auditors' evidence, so every
read is written to the audit trail like their other reads.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, Grant, Policy, Rule
from gateway.platform.principal import Role

__all__ = ["POLICY"]

_AUDITORS: dict[Role, Grant] = {"auditor": ALL, "administrator": ALL}

POLICY = Policy(
    "versions",
    versions=Rule("catalogue.versions", "list the catalogue versions seva has served", grants=_AUDITORS),
    file=Rule("catalogue.version_file", "read a catalogue version as its file was written", grants=_AUDITORS),
    service=Rule("catalogue.service_versions", "list the versions of a service", grants=_AUDITORS),
    changes=Rule(
        "catalogue.service_changes", "see what changed in a service between two versions", grants=_AUDITORS
    ),
)
