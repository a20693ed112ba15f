"""The shapes of seva's identifiers, as the OpenAPI document states them for path parameters.

The gateway checks each identifier itself and answers a malformed one with its own problem code
(``invalid_id``, ``invalid_reference``), so these patterns describe what is accepted; they are not
the only check.
"""

from __future__ import annotations

__all__ = ["DOCUMENT_ID", "FAMILY_ID", "MEMBER_ID", "REFERENCE", "SERVICE_CODE"]

FAMILY_ID = r"^[0-9]{8}$"
MEMBER_ID = r"^[0-9]{9}$"
# 13 digits, optionally grouped for reading: 2611-4829-1037-5 or 2611 4829 1037 5.
REFERENCE = r"^[0-9]{4}[-. /]?[0-9]{4}[-. /]?[0-9]{4}[-. /]?[0-9]$"
DOCUMENT_ID = r"^[0-9a-f]{32}$"
SERVICE_CODE = r"^[a-z0-9][a-z0-9-]{1,63}$"
