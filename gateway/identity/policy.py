"""Who may sign in, renew, sign out, ask who they are, act for a citizen, and manage API clients and
staff accounts."""

from __future__ import annotations

from gateway.platform.policy import ALL, Policy, Rule, public
from gateway.platform.principal import ROLES

__all__ = ["POLICY"]

POLICY = Policy(
    "identity",
    send_code=public("otp.start", "citizen sign-in: send a code", rate="signin"),
    check_code=public("otp.verify", "citizen sign-in: check a code", rate="signin"),
    refresh=public("token.refresh", "renew a citizen's tokens", rate="signin"),
    logout=public("token.logout", "citizen sign-out", rate="signin"),
    client_token=public("token.client", "API client sign-in", rate="signin"),
    jwks=public("token.keys", "publish token keys"),
    me=Rule("identity.me", "show the caller's identity", grants=dict.fromkeys(ROLES, ALL)),
    list_clients=Rule("client.list", "list API clients", grants={"administrator": ALL}),
    create_client=Rule("client.created", "create an API client", grants={"administrator": ALL}),
    revoke_client=Rule("client.revoked", "revoke an API client", grants={"administrator": ALL}),
    staff_send_code=public("otp.staff.start", "staff sign-in: send a code", rate="signin"),
    staff_check_code=public("otp.staff.verify", "staff sign-in: check a code", rate="signin"),
    assist_send_code=Rule(
        "otp.assist.start",
        "act for a citizen: send them a code",
        grants={"agent": ALL, "operator": ALL},
        rate="signin",
    ),
    assist_check_code=Rule(
        "otp.assist.verify",
        "act for a citizen: check the code they gave",
        grants={"agent": ALL, "operator": ALL},
        rate="signin",
    ),
    list_staff=Rule("staff.list", "list staff accounts", grants={"administrator": ALL}),
    create_staff=Rule("staff.created", "create a staff account", grants={"administrator": ALL}),
    revoke_staff=Rule("staff.revoked", "revoke a staff account", grants={"administrator": ALL}),
)
