"""Who may upload, list, read and fetch documents.

Citizens their own family's; a department a document an application for one of its services carries
(``own_department`` is read through the ``document_grant`` table); administrators any; auditors may list
and read the details of any, with the member ID shortened and the file name and issuer withheld, and never
fetch the bytes.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, OWN_FAMILY, Policy, Rule
from gateway.platform.principal import Role

__all__ = ["POLICY"]

_AUDITOR: frozenset[Role] = frozenset({"auditor"})

POLICY = Policy(
    "documents",
    upload=Rule("document.upload", "upload a document", grants={"citizen": OWN_FAMILY}, personal=True),
    list=Rule(
        "document.list",
        "list documents",
        grants={"citizen": OWN_FAMILY, "auditor": ALL, "administrator": ALL},
        personal=True,
        masked=_AUDITOR,
    ),
    read=Rule(
        "document.read",
        "read a document",
        grants={"citizen": OWN_FAMILY, "department": OWN_DEPARTMENT, "auditor": ALL, "administrator": ALL},
        personal=True,
        masked=_AUDITOR,
    ),
    fetch=Rule(
        "document.fetch",
        "fetch a document",
        grants={"citizen": OWN_FAMILY, "department": OWN_DEPARTMENT, "administrator": ALL},
        personal=True,
    ),
)
