"""Who may sign in, renew, sign out, ask who they are and manage API clients."""

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
)
