"""Who may call Open311 and manage its client applications.

The standard's reading routes are open to anyone, as GeoReport v2 means them to be: they show
categories, and grievances without anything that names or reaches a citizen. Posting is open at the
door too, because the standard authenticates a post by the ``api_key`` in its form, which the service
checks before anything is written. Client applications are made and revoked by administrators.
"""

from __future__ import annotations

from gateway.platform.policy import ALL, Policy, Rule, public

__all__ = ["POLICY"]

POLICY = Policy(
    "open311",
    services=public("open311.services.read", "list grievance categories and their attributes (Open311)"),
    requests=public("open311.requests.read", "read the status of grievances (Open311)"),
    post=public("open311.request.posted", "file a grievance from a registered client application (Open311)"),
    list_apps=Rule("open311.app.list", "list Open311 client applications", grants={"administrator": ALL}),
    create_app=Rule(
        "open311.app.created", "create an Open311 client application", grants={"administrator": ALL}
    ),
    revoke_app=Rule(
        "open311.app.revoked", "revoke an Open311 client application", grants={"administrator": ALL}
    ),
)
